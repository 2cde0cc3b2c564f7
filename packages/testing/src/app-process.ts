import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export type AppName = "producer" | "worker" | "bank-sim" | "dashboard" | "cli";

export interface AppProcess {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (or signal) once it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned = new Set<ChildProcess>();

/** SIGKILLs every app process started here and still running (tests call it in afterAll). */
export function killSpawnedApps(): void {
  for (const child of spawned) child.kill("SIGKILL");
  spawned.clear();
}

/** The real entry point of an app. */
export function appMain(app: AppName): string {
  return fileURLToPath(new URL(`../../../apps/${app}/src/main.ts`, import.meta.url));
}

/**
 * Starts `command` with its output kept (the last `keepOutput` characters, stdout and stderr together),
 * for tests that read what a process said and wait for it to end.
 */
export function spawnCaptured(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean; keepOutput?: number } = {},
): AppProcess {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: options.detached, stdio: ["ignore", "pipe", "pipe"] });
  const keep = options.keepOutput ?? Infinity;
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > keep) output = output.slice(-keep);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    // A command that cannot start (not installed) says so in its output and "exits" with no code.
    child.once("error", (error) => {
      output += error.message;
      resolve({ code: null, signal: null });
    });
  });
  return { child, output: () => output, exited };
}

/** Signals `child` (SIGKILL unless told) and resolves once it has exited; at once if it already had. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill(signal);
  });
}

/**
 * Starts an app in a process of its own, as `pnpm --filter` would: its real entry point, or `main` (a
 * test build of it), with `args` (and `nodeArgs` for node itself, e.g. `--cpu-prof`), from `cwd`. Keeps
 * at most the last `keepOutput` characters it wrote.
 */
export function spawnApp(
  app: AppName,
  env: Record<string, string>,
  options: { main?: string; args?: string[]; nodeArgs?: string[]; keepOutput?: number; cwd?: string } = {},
): AppProcess {
  const started = spawnCaptured(
    process.execPath,
    [...(options.nodeArgs ?? []), "--import", "tsx", options.main ?? appMain(app), ...(options.args ?? [])],
    { env: { PATH: process.env.PATH, LOG_LEVEL: "info", ...env }, cwd: options.cwd, keepOutput: options.keepOutput },
  );
  spawned.add(started.child);
  started.child.once("exit", () => spawned.delete(started.child));
  return started;
}
