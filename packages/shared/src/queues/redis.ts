import { Cluster, Redis, type ClusterNode, type RedisOptions } from "ioredis";
import { parseRedisTarget, type RedisTarget } from "./redis-target.ts";

/** One Redis or a Redis Cluster: every payq connection is one of the two, chosen by its URL. */
export type RedisClient = Redis | Cluster;

/**
 * - `blocking`: for BullMQ workers, which must wait out Redis outages instead of failing commands.
 * - `fail-fast`: for request paths, where a Redis outage must surface at once (the outbox takes over).
 */
export type RedisRole = "blocking" | "fail-fast";

// Reconnect forever with a capped delay: an outage ends, and the process should be there when it does.
const reconnect = (times: number) => Math.min(times * 100, 2_000);

/**
 * A connection for `url`: `redis://` or `rediss://` for one server, `redis+cluster://host:port,…` (or
 * `rediss+cluster://`) for a Redis Cluster, which it discovers from those seed nodes.
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const roleOptions: RedisOptions =
    role === "blocking"
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const target = parseRedisTarget(url);
  const options = { ...roleOptions, retryStrategy: reconnect, ...extra };
  return target.kind === "single" ? new Redis(url, options) : createCluster(target, options);
}

/** The same options, split as a cluster takes them: reconnecting and queueing for the cluster, the rest per node. */
function createCluster(target: Extract<RedisTarget, { kind: "cluster" }>, options: RedisOptions): Cluster {
  const { enableOfflineQueue, enableReadyCheck, enableAutoPipelining, lazyConnect, retryStrategy, ...perNode } = options;
  const nodes: ClusterNode[] = target.nodes.map(({ host, port }) => ({ host, port }));
  return new Cluster(nodes, {
    enableOfflineQueue,
    enableReadyCheck,
    enableAutoPipelining,
    lazyConnect,
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...perNode,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

/** True if a Redis (or every seed's cluster) answers PING at `url` now; never retries or waits long. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = createRedis(url, "fail-fast", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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

/** The servers that hold the data: the one Redis, or each primary of a cluster. */
export function primaries(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes("master") : [redis];
}

/** Resolves once the connection is ready; rejects after `timeoutMs` without an answer. */
export async function waitForRedis(redis: RedisClient, timeoutMs = 5_000): Promise<void> {
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
 * Fails with a readable reason unless Redis (every primary of a cluster) will never evict queue data.
 * BullMQ keeps jobs as ordinary keys: an evicting policy silently deletes payments in flight.
 * Managed Redis that forbids CONFIG is given the benefit of the doubt.
 */
export async function assertNoEviction(redis: RedisClient): Promise<void> {
  for (const server of primaries(redis)) {
    const policy = await server.config("GET", "maxmemory-policy").catch(() => null);
    const value = Array.isArray(policy) ? policy[1] : null;
    if (value !== null && value !== undefined && value !== "noeviction") {
      const where = redis instanceof Cluster ? ` on ${server.options.host}:${server.options.port}` : "";
      throw new Error(
        `Redis maxmemory-policy is "${String(value)}"${where}; payq needs "noeviction" so queued payments are never evicted ` +
          "(set it with: redis-cli CONFIG SET maxmemory-policy noeviction, or in redis.conf)",
      );
    }
  }
}
