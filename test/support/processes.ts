import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export type AppName = "producer" | "worker" | "bank-sim";

export interface AppProcess {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (or signal) once it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned = new Set<ChildProcess>();

/** SIGKILLs every app process a test started and left running (call it in afterAll). */
export function killSpawnedApps(): void {
  for (const child of spawned) child.kill("SIGKILL");
  spawned.clear();
}

/** Starts an app's real entry point in a process of its own, as `pnpm --filter` would. */
export function spawnApp(app: AppName, env: Record<string, string>): AppProcess {
  const main = fileURLToPath(new URL(`../../apps/${app}/src/main.ts`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    env: { PATH: process.env.PATH, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(child);
  child.once("exit", () => spawned.delete(child));
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

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
