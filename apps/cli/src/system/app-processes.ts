import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { APPS, STOP_TIMEOUT_MS, type App, type RunningSystem } from "./running-system.ts";

const READY_TIMEOUT_MS = 30_000;

/**
 * Every app in a process of its own, as in production: for a PostgreSQL server, which any number of
 * processes may share. Resolves once each answers `/healthz`; if one never does, all are stopped.
 */
export async function startAppProcesses(env: NodeJS.ProcessEnv, ports: Record<App, number>): Promise<RunningSystem> {
  const children = new Map<App, ChildProcess>();
  let stopping = false;
  let reportFailure: (why: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (reportFailure = resolve));

  const stop = async (): Promise<void> => {
    stopping = true;
    const running = [...children.values()].filter((child) => child.exitCode === null && child.signalCode === null);
    for (const child of running) child.kill("SIGTERM");
    const force = setTimeout(() => running.forEach((child) => child.kill("SIGKILL")), STOP_TIMEOUT_MS);
    await Promise.all(running.map((child) => new Promise((resolve) => child.once("exit", resolve))));
    clearTimeout(force);
  };

  for (const app of APPS) {
    const child = spawn(process.execPath, ["--import", "tsx", mainOf(app)], { stdio: "inherit", env });
    children.set(app, child);
    child.once("exit", (code, signal) => {
      if (!stopping) reportFailure(`${app} stopped unexpectedly (${signal ?? `exit code ${code}`})`);
    });
  }
  const diedFirst = failed.then((why) => Promise.reject(new Error(why)));
  try {
    await Promise.race([Promise.all(APPS.map((app) => waitHealthy(ports[app]))), diedFirst]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { failed, stop };
}

function mainOf(app: App): string {
  return fileURLToPath(new URL(`../../../${app}/src/main.ts`, import.meta.url));
}

async function waitHealthy(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nothing answered on port ${port} within ${READY_TIMEOUT_MS / 1000} s`);
}
