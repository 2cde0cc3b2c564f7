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
 * Starts an app in a process of its own, as `pnpm --filter` would: its real entry point, or `main` (a
 * test build of it), with `args` (and `nodeArgs` for node itself, e.g. `--cpu-prof`). Keeps at most the last `keepOutput` characters it wrote.
 */
export function spawnApp(
  app: AppName,
  env: Record<string, string>,
  options: { main?: string; args?: string[]; nodeArgs?: string[]; keepOutput?: number } = {},
): AppProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", options.main ?? appMain(app), ...(options.args ?? [])], {
    env: { PATH: process.env.PATH, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(child);
  child.once("exit", () => spawned.delete(child));
  const keep = options.keepOutput ?? Infinity;
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > keep) output = output.slice(-keep);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}
