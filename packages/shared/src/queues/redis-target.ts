/** Where a connection goes: one Redis server, or a Redis Cluster found through seed nodes. */
export type RedisTarget =
  | { kind: "single"; url: string }
  | { kind: "cluster"; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/;
const NODE = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/**
 * Reads `redis://…` and `rediss://…` (one server) and `redis+cluster://[user:password@]host:port,host:port`
 * (`rediss+cluster://` for TLS). A cluster URL is not a WHATWG URL (it has several hosts), so it is
 * parsed here, strictly.
 */
export function parseRedisTarget(url: string): RedisTarget {
  if (!url.includes("+cluster://")) return { kind: "single", url };
  const match = CLUSTER_URL.exec(url);
  if (!match) throw new Error("a cluster URL reads redis+cluster://[user:password@]host:port[,host:port…]");
  const [, scheme, userinfo, hosts] = match;
  const nodes = hosts!.split(",").map((node) => {
    const parts = NODE.exec(node.trim());
    const port = Number(parts?.[3]);
    if (!parts || port < 1 || port > 65_535) throw new Error(`"${node}" is not a host:port`);
    return { host: parts[1] ?? parts[2]!, port };
  });
  const [username, password] = userinfo ? splitUserinfo(userinfo) : [undefined, undefined];
  return { kind: "cluster", nodes, username, password, tls: scheme === "rediss" };
}

function splitUserinfo(userinfo: string): [string | undefined, string | undefined] {
  const colon = userinfo.indexOf(":");
  const decode = (part: string) => (part === "" ? undefined : decodeURIComponent(part));
  return colon < 0 ? [undefined, decode(userinfo)] : [decode(userinfo.slice(0, colon)), decode(userinfo.slice(colon + 1))];
}

/**
 * The URL a deployment's Redis settings name: `REDIS_CLUSTER_NODES` (seed `host:port`s) switches to a
 * cluster, keeping the credentials and TLS of `REDIS_URL`; otherwise `REDIS_URL` as it is.
 */
export function redisUrlFrom(settings: { REDIS_URL: string; REDIS_CLUSTER_NODES?: string | undefined }): string {
  const nodes = settings.REDIS_CLUSTER_NODES?.trim();
  if (!nodes) return settings.REDIS_URL;
  if (settings.REDIS_URL.includes("+cluster://")) {
    throw new Error("REDIS_CLUSTER_NODES and a redis+cluster:// REDIS_URL both name cluster nodes: set one of them");
  }
  const base = new URL(settings.REDIS_URL);
  const userinfo = base.username || base.password ? `${base.username}${base.password ? `:${base.password}` : ""}@` : "";
  return `${base.protocol.slice(0, -1)}+cluster://${userinfo}${nodes}`;
}
