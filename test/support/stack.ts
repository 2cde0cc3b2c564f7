import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { BankApi, loadBankSimEnv, startBankSim, type FaultsUpdate, type RunningBankSim } from "@payq/bank-sim";
import { loadDashboardEnv, startDashboard } from "@payq/dashboard";
import { loadProducerEnv, startProducer } from "@payq/producer";
import { createLogger, DEV_WEBHOOK_ALLOWED_HOSTS, hashApiKey, type RunningApp } from "@payq/runtime";
import { breakerKeys, closeQueues, createQueues, createRedis, type PayqQueues, type RedisClient } from "@payq/shared";
import { createTestDatabase, testRedisUrl, waitFor, type TestDatabase } from "@payq/testing";
import { loadWorkerEnv, REAL_PARTS, startWorker, type RunningWorker, type WorkerSeams } from "@payq/worker";
import { PaymentsApi } from "./payments-api.ts";

export const MERCHANT_A = { id: "merchant_a", key: "sk_test_merchant_a_0123456789" };
export const MERCHANT_B = { id: "merchant_b", key: "sk_test_merchant_b_0123456789" };
/** The Redis most tests share (with a queue prefix each): 6379, or the one global setup started. */
export const SHARED_REDIS_URL = testRedisUrl();

const WORKER_MAIN = fileURLToPath(new URL("../../apps/worker/src/main.ts", import.meta.url));
export const testLogger = createLogger({ name: "test", level: process.env.TEST_LOG_LEVEL ?? "silent" });

export interface StackOptions {
  /** Defaults to the shared Redis; tests that kill or flush Redis pass their own server's URL (or a cluster's). */
  redisUrl?: string;
  /** Start an in-process worker (default true). Crash tests spawn worker processes instead. */
  worker?: boolean;
  /** A database of the test's own making (the embedded one, say); a fresh copy of the template otherwise. */
  database?: TestDatabase;
  /** The queue prefix; a fresh random one unless the Redis is the test's own. */
  prefix?: string;
  faults?: FaultsUpdate;
  /** Extra environment for producer and workers, e.g. short retry delays. */
  env?: Record<string, string>;
}

/** Fast retries and sweeps, so tests see minutes of behaviour in seconds. */
const FAST_ENV: Record<string, string> = {
  RETRY_BASE_DELAY_MS: "20",
  RETRY_MAX_DELAY_MS: "200",
  SWEEP_INTERVAL_MS: "500",
  SWEEP_STALE_AFTER_MS: "2000",
  LOCK_DURATION_MS: "5000",
  STALLED_INTERVAL_MS: "1000",
  BANK_TIMEOUT_MS: "2000",
  WORKER_CONCURRENCY: "20",
  // Tests send bursts far past a merchant's budget; the rate limit's own tests turn it back on.
  API_RATE_LIMIT_PER_SECOND: "0",
  // Webhooks go to bank-sim's sink on loopback, which the production default refuses; the SSRF tests set "".
  WEBHOOK_ALLOWED_HOSTS: DEV_WEBHOOK_ALLOWED_HOSTS,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
};

/**
 * A whole payq on real services: its own database and queue prefix, bank-sim, producer and (optionally)
 * a worker, all in this process on free ports.
 */
export class Stack {
  private readonly workers: RunningWorker[] = [];
  private readonly dashboards: RunningApp[] = [];
  private readonly children = new Set<ChildProcess>();
  readonly queues: PayqQueues;

  private constructor(
    readonly db: TestDatabase,
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly bank: RunningBankSim,
    readonly producer: RunningApp,
    readonly env: Record<string, string>,
    /** A database handed in belongs to the test that made it, and outlives the stack. */
    private readonly ownsDatabase: boolean,
  ) {
    this.queues = createQueues(redis, prefix);
  }

  static async start(options: StackOptions = {}): Promise<Stack> {
    const db = options.database ?? (await createTestDatabase());
    const ownsDatabase = !options.database;
    const redisUrl = options.redisUrl ?? SHARED_REDIS_URL;
    const prefix = options.prefix ?? `payq-test-${randomBytes(4).toString("hex")}`;
    const bank = await startBankSim(loadBankSimEnv({ BANK_SIM_PORT: "0", LOG_LEVEL: "silent" }), testLogger);
    const env = {
      ...FAST_ENV,
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      BANK_URL: `http://127.0.0.1:${bank.port}`,
      PAYQ_API_KEYS: [MERCHANT_A, MERCHANT_B].map((m) => `${m.id}:${hashApiKey(m.key)}`).join(","),
      ...options.env,
    };
    const producer = await startProducer(loadProducerEnv({ ...env, PRODUCER_PORT: "0" }), testLogger);
    const redis = createRedis(redisUrl, "blocking");
    redis.on("error", () => undefined);
    const stack = new Stack(db, redis, prefix, bank, producer, env, ownsDatabase);
    if (options.faults) await stack.bankApi.setFaults(options.faults);
    if (options.worker !== false) await stack.startWorker();
    return stack;
  }

  get api(): PaymentsApi {
    return new PaymentsApi(`http://127.0.0.1:${this.producer.port}`, MERCHANT_A.key);
  }

  apiAs(merchant: { key: string }): PaymentsApi {
    return new PaymentsApi(`http://127.0.0.1:${this.producer.port}`, merchant.key);
  }

  get bankApi(): BankApi {
    return new BankApi(`http://127.0.0.1:${this.bank.port}`);
  }

  /** Where a payment's webhook should go: bank-sim's sink. */
  callbackUrl(path = "merchant"): string {
    return `http://127.0.0.1:${this.bank.port}/webhooks/${path}`;
  }

  /** An in-process worker; `parts` swaps a real part for a test's stand-in (see WorkerSeams). */
  async startWorker(env: Record<string, string> = {}, parts: Partial<WorkerSeams> = {}): Promise<RunningWorker> {
    const worker = await startWorker(loadWorkerEnv({ ...this.env, WORKER_PORT: "0", ...env }), testLogger, { ...REAL_PARTS, ...parts });
    this.workers.push(worker);
    return worker;
  }

  /** An in-process dashboard on this stack's database and Redis, stopped with the stack. */
  async startDashboard(env: Record<string, string> = {}): Promise<RunningApp> {
    const dashboard = await startDashboard(loadDashboardEnv({ ...this.env, DASHBOARD_PORT: "0", ...env }), testLogger);
    this.dashboards.push(dashboard);
    return dashboard;
  }

  /** Ports of the in-process workers' ops endpoints (/metrics, /readyz). */
  get workerPorts(): number[] {
    return this.workers.map((worker) => worker.port);
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((worker) => worker.stop()));
  }

  /** A worker in a process of its own, for tests that SIGKILL it. */
  spawnWorker(env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER_MAIN], {
      env: { ...process.env, ...this.env, WORKER_PORT: "0", ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  /** The bank breaker's transitions, from its Redis stream, oldest first. */
  async breakerTransitions(name = "bank"): Promise<{ at: number; from: string; to: string; reason: string }[]> {
    const entries = await this.redis.xrange(breakerKeys(this.prefix, name).events, "-", "+");
    return entries.map(([, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
      return { at: Number(record.at), from: record.from!, to: record.to!, reason: record.reason! };
    });
  }

  /** What the system looks like now, for a failing test to say why it waited in vain. */
  async diagnosis(): Promise<string> {
    const [statuses, counts, transitions, bank] = await Promise.all([
      this.statusCounts(),
      this.queues.payments.getJobCounts(),
      this.breakerTransitions().catch(() => []),
      this.bankApi.stats().catch(() => null),
    ]);
    return JSON.stringify({ statuses, jobs: counts, lastTransitions: transitions.slice(-6), bank, now: Date.now() });
  }

  /** Waits for a condition; if it never comes, fails with the system's state in the message. */
  async waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    try {
      await waitFor(check, { timeoutMs, intervalMs: 250, message: what });
    } catch {
      throw new Error(`${what} within ${timeoutMs} ms: ${await this.diagnosis()}`);
    }
  }

  /** Counts of payments by status, straight from Postgres. */
  async statusCounts(): Promise<Record<string, number>> {
    const { rows } = await this.db.pool.query<{ status: string; count: string }>(
      "SELECT status, count(*) FROM payments GROUP BY status",
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }

  async statusOf(id: string): Promise<string | undefined> {
    const { rows } = await this.db.pool.query<{ status: string }>("SELECT status FROM payments WHERE id = $1", [id]);
    return rows[0]?.status;
  }

  /** Waits until the payment reaches `status`. */
  async becomes(id: string, status: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => (await this.statusOf(id)) === status, { timeoutMs, message: `${id} never became ${status}` });
  }

  async openPayments(): Promise<number> {
    const { rows } = await this.db.pool.query<{ count: string }>(
      "SELECT count(*) FROM payments WHERE status = 'accepted'",
    );
    return Number(rows[0]?.count);
  }

  async stop(): Promise<void> {
    for (const child of this.children) child.kill("SIGKILL");
    await Promise.all(this.dashboards.splice(0).map((dashboard) => dashboard.stop()));
    await this.stopWorkers();
    await this.producer.stop();
    await this.bank.stop();
    await closeQueues(this.queues);
    // A private cluster is thrown away whole; the shared Redis keeps only what other tests wrote.
    if (this.redis instanceof Redis) {
      await deleteKeys(this.redis, `${this.prefix}:*`).catch(() => undefined);
      await deleteKeys(this.redis, `{${this.prefix}:*`).catch(() => undefined);
    }
    this.redis.disconnect();
    if (this.ownsDatabase) await this.db.drop();
  }
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}
