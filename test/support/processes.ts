import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Runs `pnpm payq <args>` (the CLI's entry point) to completion, feeding it `stdin`. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  stdin = "",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const main = fileURLToPath(new URL("../../apps/cli/src/main.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end(stdin);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stdout, stderr };
}
