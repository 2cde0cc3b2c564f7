import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { databaseEnv, DEV_API_KEY, DEV_WEBHOOK_ALLOWED_HOSTS, envField, maskUrl, parseEnv, redisEnv } from "@payq/runtime";
import { migrate } from "@payq/shared";
import { ensureLocalRedis, type LocalRedis } from "../local-redis.ts";
import { complain, say } from "../output.ts";

/** Started in this order, stopped all together. */
const APPS = ["bank-sim", "producer", "worker", "dashboard"] as const;
type App = (typeof APPS)[number];
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

const startEnv = z.object({
  ...databaseEnv,
  REDIS_URL: redisEnv.REDIS_URL,
  PRODUCER_PORT: envField.port(3000),
  DASHBOARD_PORT: envField.port(3001),
  WORKER_PORT: envField.port(3002),
  BANK_SIM_PORT: envField.port(4010),
  PAYQ_API_KEYS: z.string().optional(),
  PAYQ_DASHBOARD_USERS: z.string().optional(),
  /** bank-sim's webhook sink, where the demo's webhooks go, is on loopback: allowed here, refused by default. */
  WEBHOOK_ALLOWED_HOSTS: z.string().default(DEV_WEBHOOK_ALLOWED_HOSTS),
});

/**
 * `payq start`: migrates, then runs producer, worker, dashboard and bank-sim in the foreground, each in
 * its own process as in production. Ctrl-C stops them all; if one dies, the rest are stopped too.
 */
export async function startCommand(): Promise<number> {
  const env = parseEnv(startEnv);
  const redis = await ensureLocalRedis(env.REDIS_URL);
  await migrate(env.DATABASE_URL).catch(async (error: unknown) => {
    await redis.stop();
    throw new Error(`cannot migrate ${maskUrl(env.DATABASE_URL)}: ${(error as Error).message}. Is PostgreSQL running?`, {
      cause: error,
    });
  });
  const ports: Record<App, number> = {
    "bank-sim": env.BANK_SIM_PORT,
    producer: env.PRODUCER_PORT,
    worker: env.WORKER_PORT,
    dashboard: env.DASHBOARD_PORT,
  };
  const children = new Map<App, ChildProcess>();
  let stopping = false;

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const running = [...children.values()].filter((child) => child.exitCode === null && child.signalCode === null);
    for (const child of running) child.kill("SIGTERM");
    const force = setTimeout(() => running.forEach((child) => child.kill("SIGKILL")), STOP_TIMEOUT_MS);
    await Promise.all(running.map((child) => new Promise((resolve) => child.once("exit", resolve))));
    clearTimeout(force);
    await redis.stop();
  };

  const exit = new Promise<number>((resolve) => {
    const onSignal = () => void stopAll().then(() => resolve(0));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    for (const app of APPS) {
      const child = spawn(process.execPath, ["--import", "tsx", mainOf(app)], {
        stdio: "inherit",
        env: { ...process.env, WEBHOOK_ALLOWED_HOSTS: env.WEBHOOK_ALLOWED_HOSTS },
      });
      children.set(app, child);
      child.once("exit", (code, signal) => {
        if (stopping) return;
        complain(`${app} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the others`);
        void stopAll().then(() => resolve(1));
      });
    }
  });

  // An app that never answers stops everything started here, the local Redis included, before the error.
  const ready = await Promise.race([
    Promise.all(APPS.map((app) => waitHealthy(ports[app]))).then(() => true),
    exit.then(() => false),
  ]).catch(async (error: unknown) => {
    await stopAll();
    throw error;
  });
  if (ready) banner(ports, env, redis);
  return exit;
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

function banner(ports: Record<App, number>, env: z.infer<typeof startEnv>, redis: LocalRedis): void {
  const at = (port: number) => `http://127.0.0.1:${port}`;
  say();
  say("payq is running");
  const demoKey = `   demo key: ${DEV_API_KEY.key} (${DEV_API_KEY.merchantId})`;
  say(`  producer   ${at(ports.producer)}${env.PAYQ_API_KEYS ? "" : demoKey}`);
  say(`  dashboard  ${at(ports.dashboard)}${env.PAYQ_DASHBOARD_USERS ? "" : "   admin / payq-admin, viewer / payq-viewer"}`);
  say(`  bank-sim   ${at(ports["bank-sim"])}`);
  say(`  worker     ${at(ports.worker)}/metrics`);
  say(`  redis      ${redis.description}`);
  say(
    env.WEBHOOK_ALLOWED_HOSTS
      ? `  webhooks   may reach ${env.WEBHOOK_ALLOWED_HOSTS} (loopback allowed for development; the default allows public addresses only)`
      : "  webhooks   public addresses only",
  );
  say(`  Send traffic with \`pnpm demo\`. Ctrl-C stops everything.`);
  say();
}
