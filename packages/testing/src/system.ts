import { randomBytes } from "node:crypto";
import { BankApi } from "@payq/bank-sim";
import { DEV_WEBHOOK_ALLOWED_HOSTS, hashApiKey } from "@payq/runtime";
import { createPool, migrate, type Pool } from "@payq/shared";
import { spawnApp, type AppProcess } from "./app-process.ts";
import { freePort } from "./ports.ts";
import { startPostgresServer, type TestPostgresServer } from "./postgres-server.ts";
import { startRedisCluster, type TestRedisCluster } from "./redis-cluster.ts";
import { startRedisServer, type TestRedisServer } from "./redis-server.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
import { waitFor } from "./wait-for.ts";

/** The one merchant of a system stack, with a fresh key each time. */
export const SYSTEM_MERCHANT = { id: "system_merchant", key: `sk_test_system_${randomBytes(12).toString("hex")}` };

export interface SystemSettings {
  workers: number;
  /** Settings for every app (timings, log level…); the stack adds where things are. */
  env?: Record<string, string>;
  /** Each worker reaches Redis through a TCP proxy of its own, so a partition can cut one off. */
  proxies?: boolean;
  /** Arguments for node in every app process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** A test build of the worker's entry point, to prove the checker catches it. */
  workerMain?: string;
  /** Run on a Redis Cluster of three primaries instead of one redis-server (no proxies, no Redis faults). */
  cluster?: boolean;
}

interface WorkerSlot {
  port: number;
  /** The worker's only way to Redis (with `proxies`), so a partition can cut this one worker off. */
  proxy: TcpProxy | null;
  process: AppProcess | null;
}

/**
 * A whole payq on private loopback ports: its own redis-server (AOF), its own Postgres cluster, the bank
 * simulator, a producer and N worker processes, each app in a process of its own as in production. For
 * chaos runs and benchmarks. Every process it starts, it stops.
 */
export class SystemStack {
  /** Processes that died without the harness killing them: a crash is a finding, not a fault. */
  readonly crashes: string[] = [];
  /** Workers that refused to start (a dependency was down) and were started again. */
  restarts = 0;
  private stopped = false;
  private readonly stopping = new Set<AppProcess>();

  private constructor(
    private readonly redisServer: TestRedisServer | TestRedisCluster,
    readonly postgres: TestPostgresServer,
    readonly pool: Pool,
    readonly bank: BankApi,
    private readonly bankProcess: AppProcess,
    readonly producerUrl: string,
    private readonly producer: AppProcess,
    private readonly slots: WorkerSlot[],
    readonly env: Record<string, string>,
    private readonly workerMain: string | undefined,
    private readonly nodeArgs: string[] | undefined,
  ) {}

  static async start(settings: SystemSettings): Promise<SystemStack> {
    const started: { stop(): Promise<void> }[] = [];
    try {
      if (settings.cluster && settings.proxies) throw new Error("a cluster stack has no per-worker proxies");
      const redis = settings.cluster ? await startRedisCluster(3) : await startRedisServer({ appendOnly: true });
      started.push(redis);
      const postgres = await startPostgresServer();
      started.push(postgres);
      const databaseUrl = postgres.urlFor("payq");
      await migrate(databaseUrl);
      const pool = createPool({ connectionString: databaseUrl, max: 4, applicationName: "payq-system-observer" });
      started.push({ stop: () => pool.end() });
      const [bankPort, producerPort] = [await freePort(), await freePort()];
      const env = {
        LOG_LEVEL: "warn",
        // Benchmarks and chaos runs drive one merchant far past any sensible request budget.
        API_RATE_LIMIT_PER_SECOND: "0",
        // Webhooks go to bank-sim's sink, on loopback, which the production default refuses.
        WEBHOOK_ALLOWED_HOSTS: DEV_WEBHOOK_ALLOWED_HOSTS,
        ...settings.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: "payq-system",
        BANK_URL: `http://127.0.0.1:${bankPort}`,
        PAYQ_API_KEYS: `${SYSTEM_MERCHANT.id}:${hashApiKey(SYSTEM_MERCHANT.key)}`,
      };
      const bankProcess = spawnApp("bank-sim", { ...env, BANK_SIM_PORT: String(bankPort) }, { keepOutput: 20_000, nodeArgs: settings.nodeArgs });
      started.push({ stop: () => stopProcess(bankProcess) });
      const producer = spawnApp("producer", { ...env, PRODUCER_PORT: String(producerPort) }, { keepOutput: 20_000, nodeArgs: settings.nodeArgs });
      started.push({ stop: () => stopProcess(producer) });
      const slots: WorkerSlot[] = [];
      for (let i = 0; i < settings.workers; i += 1) {
        const proxy = settings.proxies && "port" in redis ? await startTcpProxy(redis.port) : null;
        if (proxy) started.push({ stop: () => proxy.close() });
        slots.push({ port: await freePort(), proxy, process: null });
      }
      const stack = new SystemStack(
        redis, postgres, pool, new BankApi(env.BANK_URL), bankProcess,
        `http://127.0.0.1:${producerPort}`, producer, slots, env, settings.workerMain, settings.nodeArgs,
      );
      started.push({ stop: () => stack.stopWorkers() });
      stack.watch("producer", producer, producerPort);
      stack.watch("bank-sim", bankProcess, bankPort);
      slots.forEach((_, i) => stack.startWorker(i));
      await Promise.all([bankPort, producerPort, ...slots.map((slot) => slot.port)].map((port) => healthy(port)));
      return stack;
    } catch (error) {
      for (const part of started.reverse()) await part.stop().catch(() => undefined);
      throw error;
    }
  }

  /** The stack's one redis-server, for faults; a cluster stack has none. */
  get redis(): TestRedisServer {
    if (!("kill" in this.redisServer)) throw new Error("this stack runs on a Redis Cluster: no single server to fault");
    return this.redisServer;
  }

  /** The cluster a cluster stack runs on. */
  get cluster(): TestRedisCluster | null {
    return "primaryOf" in this.redisServer ? this.redisServer : null;
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /** Starts worker `i` (again), without waiting for it to be ready, as a supervisor would. */
  startWorker(i: number): void {
    const slot = this.slots[i]!;
    if (slot.process && slot.process.child.exitCode === null && slot.process.child.signalCode === null) return;
    const redisUrl = slot.proxy ? `redis://127.0.0.1:${slot.proxy.port}` : this.env.REDIS_URL!;
    slot.process = spawnApp(
      "worker",
      { ...this.env, REDIS_URL: redisUrl, WORKER_PORT: String(slot.port) },
      { main: this.workerMain, keepOutput: 20_000, nodeArgs: this.nodeArgs },
    );
    this.watch(`worker ${i}`, slot.process, slot.port, () => !this.stopped && this.startWorker(i));
  }

  /**
   * As a supervisor would: a process that exits before it is ready (a dependency was down as it started,
   * and it said so) is started again a second later; one that dies after it was ready has crashed.
   */
  private watch(name: string, app: AppProcess, port: number, restart?: () => void): void {
    let ready = false;
    let exited = false;
    const answers = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    void waitFor(async () => exited || (ready = await answers()), { timeoutMs: 120_000, intervalMs: 200 }).catch(() => undefined);
    void app.exited.then(({ code, signal }) => {
      exited = true;
      if (this.stopping.has(app)) return;
      if (!ready && restart) {
        this.restarts += 1;
        setTimeout(restart, 1_000);
        return;
      }
      this.crashes.push(`${name} exited (${signal ?? `code ${code}`})`);
    });
  }

  /** SIGKILL: no graceful shutdown, jobs in hand are left locked until their lock expires. */
  async killWorker(i: number): Promise<void> {
    const running = this.slots[i]?.process;
    if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
    this.stopping.add(running);
    running.child.kill("SIGKILL");
    await running.exited;
  }

  /** SIGTERM, and wait until it has finished its jobs in hand and exited. */
  async stopWorker(i: number): Promise<void> {
    const running = this.slots[i]?.process;
    if (running) await this.stopApp(running);
  }

  /** Waits until every worker answers its health check. */
  async workersReady(): Promise<void> {
    await Promise.all(this.slots.map((slot) => healthy(slot.port)));
  }

  proxyOf(i: number): TcpProxy {
    const proxy = this.slots[i]!.proxy;
    if (!proxy) throw new Error("this stack was started without proxies");
    return proxy;
  }

  /** PIDs of the running app processes, by role, for CPU accounting. */
  pids(): { producer: number[]; workers: number[]; bank: number[] } {
    const alive = (app: AppProcess | null) => (app?.child.pid !== undefined && app.child.exitCode === null ? [app.child.pid] : []);
    return { producer: alive(this.producer), workers: this.slots.flatMap((slot) => alive(slot.process)), bank: alive(this.bankProcess) };
  }

  /** The last lines each process wrote, for a run that went wrong. */
  logs(): string {
    const tail = (name: string, process: AppProcess | null) => `--- ${name}\n${process?.output().slice(-4_000) ?? ""}`;
    return [tail("producer", this.producer), tail("bank-sim", this.bankProcess), ...this.slots.map((s, i) => tail(`worker ${i}`, s.process))].join("\n");
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(this.slots.flatMap((slot) => (slot.process ? [this.stopApp(slot.process)] : [])));
  }

  private async stopApp(app: AppProcess): Promise<void> {
    this.stopping.add(app);
    await stopProcess(app);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopWorkers();
    await Promise.all([this.stopApp(this.producer), this.stopApp(this.bankProcess)]);
    await Promise.all(this.slots.flatMap((slot) => (slot.proxy ? [slot.proxy.close()] : [])));
    await this.pool.end().catch(() => undefined);
    await this.postgres.stop();
    await this.redisServer.stop();
  }
}

/** SIGTERM, then SIGKILL if it has not gone in 10 s. */
async function stopProcess(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill("SIGTERM");
  const force = setTimeout(() => app.child.kill("SIGKILL"), 10_000);
  await app.exited;
  clearTimeout(force);
}

async function healthy(port: number): Promise<void> {
  await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), {
    timeoutMs: 60_000,
    intervalMs: 200,
    message: `nothing healthy on port ${port} within 60 s`,
  });
}
