import { randomUUID } from "node:crypto";
import { Pool as HttpPool } from "undici";
import { closeQueues, createQueues, type PayqQueues, type RedisClient } from "@payq/shared";
import { SYSTEM_MERCHANT, waitFor, type SystemStack } from "@payq/testing";
import { drive } from "./pace.ts";
import { queueIdle } from "./queue-idle.ts";

export interface RunTimes {
  startedAt: number;
  finishedAt: number;
  latenciesMs: number[];
}

/** payq through its real HTTP API, on a system stack with the bank at 0 faults and 0 latency. */
export class PayqBench {
  private readonly http: HttpPool;
  private readonly queues: PayqQueues;

  constructor(
    private readonly stack: SystemStack,
    redis: RedisClient,
    connections: number,
  ) {
    this.http = new HttpPool(stack.producerUrl, { connections });
    this.queues = createQueues(redis, stack.env.QUEUE_PREFIX!);
  }

  /** One payment, retried under its key on a dropped connection or a 5xx, as a careful client does. */
  private async post(i: number): Promise<void> {
    const key = `bench-${i}-${randomUUID()}`;
    const body = JSON.stringify({ amount: 1000 + (i % 9000), currency: "USD", source: "tok_visa", callbackUrl: `${this.stack.env.BANK_URL}/webhooks/bench` });
    for (let attempt = 1; ; attempt += 1) {
      const status = await this.http
        .request({
          path: "/v1/payments",
          method: "POST",
          headers: { authorization: `Bearer ${SYSTEM_MERCHANT.key}`, "idempotency-key": key, "content-type": "application/json" },
          body,
        })
        .then(async (response) => (await response.body.dump(), response.statusCode), () => 0);
      if (status === 202 || status === 200) return;
      if (attempt === 5 || (status >= 400 && status < 500 && status !== 409)) throw new Error(`POST /v1/payments answered ${status}`);
      this.retries += 1;
    }
  }

  /** Requests the client had to send again (dropped connections, 5xx, 409). */
  retries = 0;

  /** B: POST → producer → worker → bank → ledger → settled, `count` payments. */
  async endToEnd(count: number, options: { inFlight: number; rate?: number }): Promise<RunTimes> {
    const startedAt = Date.now();
    await drive(count, options, (i) => this.post(i));
    return { startedAt, ...(await this.settled(count)) };
  }

  /** C: `count` payments accepted while the queue is paused, then drained by the workers. */
  async workerStage(count: number, options: { inFlight: number }, beforeDrain: () => Promise<void>): Promise<RunTimes> {
    await this.queues.payments.pause();
    await drive(count, options, (i) => this.post(i));
    await beforeDrain();
    const startedAt = Date.now();
    await this.queues.payments.resume();
    return { startedAt, ...(await this.settled(count)) };
  }

  /** Waits until `count` payments settled and their webhooks went out; settle times from Postgres. */
  private async settled(count: number): Promise<{ finishedAt: number; latenciesMs: number[] }> {
    const pool = this.stack.pool;
    await waitFor(async () => {
      const { rows } = await pool.query<{ settled: string }>("SELECT count(*) AS settled FROM payments WHERE status <> 'accepted'");
      return Number(rows[0]?.settled) >= count;
    }, { timeoutMs: 1_800_000, intervalMs: 50 });
    const { rows } = await pool.query<{ ms: number; settled: number }>(
      "SELECT extract(epoch FROM settled_at - created_at) * 1000 AS ms, extract(epoch FROM settled_at) * 1000 AS settled FROM payments",
    );
    await waitFor(() => queueIdle(this.queues.notifications), { timeoutMs: 600_000, intervalMs: 50 });
    return { finishedAt: Math.max(...rows.map((r) => Number(r.settled))), latenciesMs: rows.map((r) => Number(r.ms)) };
  }

  /** Empties Postgres, the queues and the bank, so every run starts alike. */
  async clear(): Promise<void> {
    await this.stack.pool.query("TRUNCATE payments CASCADE");
    await this.queues.payments.resume();
    for (const queue of [this.queues.payments, this.queues.notifications]) {
      await queue.clean(0, 1_000_000, "completed");
      await queue.clean(0, 1_000_000, "failed");
    }
    await fetch(`${this.stack.env.BANK_URL}/v1/reset`, { method: "POST" });
  }

  async close(): Promise<void> {
    await this.http.close();
    await closeQueues(this.queues);
  }
}
