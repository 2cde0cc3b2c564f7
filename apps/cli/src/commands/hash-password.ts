import { createInterface } from "node:readline/promises";
import { hashPassword } from "@payq/runtime";
import { complain, say } from "../output.ts";

/** `payq hash-password`: reads a password from stdin and prints the hash PAYQ_DASHBOARD_USERS expects. */
export async function hashPasswordCommand(): Promise<number> {
  const input = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const password = (await input[Symbol.asyncIterator]().next()).value as string | undefined;
  input.close();
  if (!password || password.length < 12) {
    complain("a dashboard password needs at least 12 characters");
    return 1;
  }
  say(await hashPassword(password));
  return 0;
}
