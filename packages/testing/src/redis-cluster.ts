import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { redisAnswers } from "@payq/shared";
import { spawnCaptured, stopChild } from "./app-process.ts";
import { freePort, isFree } from "./ports.ts";
import { waitFor } from "./wait-for.ts";

/** A cluster node's bus listens on its port + 10000. */
const BUS_OFFSET = 10_000;

export interface TestRedisCluster {
  /** `redis+cluster://127.0.0.1:a,127.0.0.1:b,…`: what payq is configured with. */
  url: string;
  ports: number[];
  /** The port of the primary that serves `key`'s slot. */
  primaryOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `primaries` redis-servers (no replicas) on free loopback ports, each with its
 * own data directory, joined by `redis-cli --cluster create`. It never touches the shared Redis.
 */
export async function startRedisCluster(primaries = 3): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), "payq-redis-cluster-"));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < primaries; i += 1) ports.push(await freeClusterPort(ports));
    for (const port of ports) {
      children.push(
        spawn("redis-server", [
          "--port", String(port),
          "--bind", "127.0.0.1",
          "--dir", dir,
          "--cluster-enabled", "yes",
          "--cluster-config-file", `nodes-${port}.conf`,
          "--cluster-node-timeout", "2000",
          "--save", "",
          "--appendonly", "yes",
          "--appendfilename", `appendonly-${port}.aof`,
          "--appenddirname", `aof-${port}`,
          "--maxmemory-policy", "noeviction",
        ], { stdio: "ignore" }),
      );
    }
    for (const port of ports) {
      await waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`), { timeoutMs: 10_000, message: `cluster node ${port} did not start` });
    }
    await run("redis-cli", ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await waitFor(async () => (await Promise.all(ports.map(clusterIsOk))).every(Boolean), {
      timeoutMs: 20_000,
      message: "the cluster never reached cluster_state:ok on every node",
    });
    return {
      url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(",")}`,
      ports,
      primaryOf: (key) => primaryOf(ports[0]!, key),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A free port whose cluster bus port is free too. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + BUS_OFFSET > 65_535 || taken.includes(port) || taken.includes(port + BUS_OFFSET)) continue;
    if (await isFree(port + BUS_OFFSET)) return port;
  }
}

async function clusterIsOk(port: number): Promise<boolean> {
  const redis = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    const info = (await redis.call("CLUSTER", "INFO")) as string;
    return info.includes("cluster_state:ok") && info.includes("cluster_slots_assigned:16384");
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function primaryOf(anyPort: number, key: string): Promise<number> {
  const redis = new Redis(anyPort, "127.0.0.1", { maxRetriesPerRequest: 1 });
  try {
    const slot = Number(await redis.call("CLUSTER", "KEYSLOT", key));
    const ranges = (await redis.call("CLUSTER", "SLOTS")) as [number, number, [string, number, ...unknown[]]][];
    const range = ranges.find(([first, last]) => slot >= first && slot <= last);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return range[2][1];
  } finally {
    redis.disconnect();
  }
}

async function run(command: string, args: string[]): Promise<void> {
  const done = spawnCaptured(command, args);
  const { code } = await done.exited;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}: ${done.output()}`);
}
