import { Redis, type RedisOptions } from "ioredis";

/**
 * - `blocking`: for BullMQ workers, which must wait out Redis outages instead of failing commands.
 * - `fail-fast`: for request paths, where a Redis outage must surface at once (the outbox takes over).
 */
export type RedisRole = "blocking" | "fail-fast";

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === "blocking"
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return new Redis(url, {
    ...options,
    // Reconnect forever with a capped delay: an outage ends, and the process should be there when it does.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...extra,
  });
}

/** True if a Redis answers PING at `url` now; a probe of its own, which never retries or waits long. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Resolves once the connection is ready; rejects after `timeoutMs` without an answer. */
export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Fails with a readable reason unless Redis will never evict queue data.
 * BullMQ keeps jobs as ordinary keys: an evicting policy silently deletes payments in flight.
 * Managed Redis that forbids CONFIG is given the benefit of the doubt.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const policy = await redis.config("GET", "maxmemory-policy").catch(() => null);
  const value = Array.isArray(policy) ? policy[1] : null;
  if (value !== null && value !== undefined && value !== "noeviction") {
    throw new Error(
      `Redis maxmemory-policy is "${String(value)}"; payq needs "noeviction" so queued payments are never evicted ` +
        "(set it with: redis-cli CONFIG SET maxmemory-policy noeviction, or in redis.conf)",
    );
  }
}
