import { describe, expect, it } from "vitest";
import { parseRedisTarget, redisUrlFrom } from "./redis-target.ts";

describe("parseRedisTarget", () => {
  it("leaves a one-server URL as it is", () => {
    expect(parseRedisTarget("redis://:pw@10.0.0.5:6380/2")).toEqual({ kind: "single", url: "redis://:pw@10.0.0.5:6380/2" });
  });

  it("reads a cluster's seed nodes, credentials and TLS", () => {
    expect(parseRedisTarget("redis+cluster://127.0.0.1:7000,127.0.0.1:7001, redis-c.internal:7002")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "127.0.0.1", port: 7000 },
        { host: "127.0.0.1", port: 7001 },
        { host: "redis-c.internal", port: 7002 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(parseRedisTarget("rediss+cluster://ops:s%40cret@[::1]:7000/")).toMatchObject({
      nodes: [{ host: "::1", port: 7000 }],
      username: "ops",
      password: "s@cret",
      tls: true,
    });
    expect(parseRedisTarget("redis+cluster://onlypassword@h:1")).toMatchObject({ username: undefined, password: "onlypassword" });
  });

  it("refuses a cluster URL it cannot read, naming the bad node", () => {
    expect(() => parseRedisTarget("redis+cluster://")).toThrow(/redis\+cluster:\/\/\[user:password@\]host:port/);
    expect(() => parseRedisTarget("redis+cluster://h:1,h")).toThrow('"h" is not a host:port');
    expect(() => parseRedisTarget("redis+cluster://h:70000")).toThrow('"h:70000" is not a host:port');
    expect(() => parseRedisTarget("http+cluster://h:1")).toThrow();
  });
});

describe("redisUrlFrom", () => {
  it("is REDIS_URL unless cluster nodes are named", () => {
    expect(redisUrlFrom({ REDIS_URL: "redis://127.0.0.1:6379" })).toBe("redis://127.0.0.1:6379");
    expect(redisUrlFrom({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_CLUSTER_NODES: " " })).toBe("redis://127.0.0.1:6379");
  });

  it("turns REDIS_CLUSTER_NODES into a cluster URL with REDIS_URL's credentials and TLS", () => {
    expect(redisUrlFrom({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_CLUSTER_NODES: "a:7000,b:7001" })).toBe("redis+cluster://a:7000,b:7001");
    expect(redisUrlFrom({ REDIS_URL: "rediss://ops:pw@x:6379", REDIS_CLUSTER_NODES: "a:7000" })).toBe("rediss+cluster://ops:pw@a:7000");
    const url = redisUrlFrom({ REDIS_URL: "redis://:p%40ss@x", REDIS_CLUSTER_NODES: "a:7000" });
    expect(parseRedisTarget(url)).toMatchObject({ password: "p@ss", nodes: [{ host: "a", port: 7000 }] });
  });

  it("refuses two lists of cluster nodes", () => {
    expect(() => redisUrlFrom({ REDIS_URL: "redis+cluster://a:1", REDIS_CLUSTER_NODES: "b:2" })).toThrow(/set one of them/);
  });
});
