import { hashPassword } from "@payq/runtime";
import { complain, say } from "../output.ts";
import { readLine } from "../read-line.ts";

/** `payq hash-password`: reads a password from stdin and prints the hash PAYQ_DASHBOARD_USERS expects. */
export async function hashPasswordCommand(): Promise<number> {
  const password = await readLine("password");
  if (!password || password.length < 12) {
    complain("a dashboard password needs at least 12 characters");
    return 1;
  }
  say(await hashPassword(password));
  return 0;
}
