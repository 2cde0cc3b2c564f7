import { z } from "zod";
import { DEV_API_KEY, DEV_WEBHOOK_ALLOWED_HOSTS, envField, maskUrl, parseEnv, redisEnv } from "@payq/runtime";
import { migrate, redisUrlFrom } from "@payq/shared";
import { chooseDatabase, type DatabaseChoice } from "../database-choice.ts";
import { ensureLocalRedis, type LocalRedis } from "../local-redis.ts";
import { complain, say } from "../output.ts";
import { startAppProcesses } from "../system/app-processes.ts";
import { startInProcess } from "../system/in-process.ts";
import type { App, RunningSystem } from "../system/running-system.ts";

const startEnv = z.object({
  REDIS_URL: redisEnv.REDIS_URL,
  REDIS_CLUSTER_NODES: redisEnv.REDIS_CLUSTER_NODES,
  PRODUCER_PORT: envField.port(3000),
  DASHBOARD_PORT: envField.port(3001),
  WORKER_PORT: envField.port(3002),
  BANK_SIM_PORT: envField.port(4010),
  PAYQ_API_KEYS: z.string().optional(),
  PAYQ_DASHBOARD_USERS: z.string().optional(),
  /** bank-sim's webhook sink, where the demo's webhooks go, is on loopback: allowed here, refused by default. */
  WEBHOOK_ALLOWED_HOSTS: z.string().default(DEV_WEBHOOK_ALLOWED_HOSTS),
});
type StartEnv = z.infer<typeof startEnv>;

/**
 * `payq start`: finds (or starts) a Redis and a database, migrates, then runs producer, worker,
 * dashboard and bank-sim in the foreground until Ctrl-C. On a PostgreSQL server each app gets a process
 * of its own, as in production; on the embedded database they share this one.
 */
export async function startCommand(): Promise<number> {
  const env = parseEnv(startEnv);
  const database = await chooseDatabase(process.env.DATABASE_URL);
  const redis = await ensureLocalRedis(redisUrlFrom(env));
  let system: RunningSystem;
  try {
    await migrate(database.url).catch((error: unknown) => {
      const hint = database.embedded ? "" : ". Is PostgreSQL running?";
      throw new Error(`cannot migrate ${maskUrl(database.url)}: ${(error as Error).message}${hint}`, { cause: error });
    });
    const appEnv = { ...process.env, DATABASE_URL: database.url, WEBHOOK_ALLOWED_HOSTS: env.WEBHOOK_ALLOWED_HOSTS };
    system = database.embedded ? await startInProcess(appEnv) : await startAppProcesses(appEnv, portsOf(env));
  } catch (error) {
    await redis.stop();
    throw error;
  }
  banner(env, database, redis);

  const stopAll = async () => {
    await system.stop();
    await redis.stop();
  };
  return new Promise<number>((resolve) => {
    const onSignal = () => void stopAll().then(() => resolve(0));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    void system.failed.then((why) => {
      complain(`${why}; stopping the others`);
      void stopAll().then(() => resolve(1));
    });
  });
}

function portsOf(env: StartEnv): Record<App, number> {
  return { "bank-sim": env.BANK_SIM_PORT, producer: env.PRODUCER_PORT, worker: env.WORKER_PORT, dashboard: env.DASHBOARD_PORT };
}

function banner(env: StartEnv, database: DatabaseChoice, redis: LocalRedis): void {
  const ports = portsOf(env);
  const at = (port: number) => `http://127.0.0.1:${port}`;
  say();
  say(`payq is running${database.embedded ? ", every app in this process (embedded PostgreSQL)" : ""}`);
  const demoKey = `   demo key: ${DEV_API_KEY.key} (${DEV_API_KEY.merchantId})`;
  say(`  producer   ${at(ports.producer)}${env.PAYQ_API_KEYS ? "" : demoKey}`);
  say(`  dashboard  ${at(ports.dashboard)}${env.PAYQ_DASHBOARD_USERS ? "" : "   admin / payq-admin, viewer / payq-viewer"}`);
  say(`  bank-sim   ${at(ports["bank-sim"])}`);
  say(`  worker     ${at(ports.worker)}/metrics`);
  say(`  redis      ${redis.description}`);
  say(`  postgres   ${database.description}`);
  say(
    env.WEBHOOK_ALLOWED_HOSTS
      ? `  webhooks   may reach ${env.WEBHOOK_ALLOWED_HOSTS} (loopback allowed for development; the default allows public addresses only)`
      : "  webhooks   public addresses only",
  );
  say(`  Send traffic with \`pnpm demo\`. Ctrl-C stops everything.`);
  say();
}
