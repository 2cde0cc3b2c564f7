import { spawn, spawnSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { maskUrl } from "@payq/runtime";
import { parseRedisTarget, redisAnswers } from "@payq/shared";

export interface LocalRedis {
  /** What `payq start` says about it, for its banner. */
  description: string;
  /** Stops the redis-server `payq start` started; nothing if it found one running. */
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const START_TIMEOUT_MS = 10_000;

const HOW_TO_GET_ONE = `Install one and run it with AOF and noeviction, or point REDIS_URL at one:
  Debian/Ubuntu: sudo apt-get install redis-server
  macOS:         brew install redis && brew services start redis
  Docker:        docker run -d -p 6379:6379 redis:7 --appendonly yes --maxmemory-policy noeviction`;

const installed = () => spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

/**
 * The Redis `payq start` runs on: the one at REDIS_URL if it answers; otherwise, when REDIS_URL is on this
 * machine and redis-server is installed, one started here with payq's settings (AOF every second,
 * noeviction) and its data under `.data/`, stopped again with the system. Anything else is an error
 * that says how to get a Redis. A cluster is never started here: it must already answer.
 */
export async function ensureLocalRedis(url: string): Promise<LocalRedis> {
  if (await redisAnswers(url)) return { description: maskUrl(url), stop: () => Promise.resolve() };
  if (parseRedisTarget(url).kind === "cluster") throw new Error(`no Redis Cluster answers at ${maskUrl(url)}`);
  const { hostname, port } = new URL(url);
  if (!LOOPBACK.has(hostname)) throw new Error(`no Redis answers at ${maskUrl(url)}. ${HOW_TO_GET_ONE}`);
  if (!installed()) throw new Error(`no Redis answers at ${maskUrl(url)}, and redis-server is not installed. ${HOW_TO_GET_ONE}`);
  const dir = resolve(join(".data", `redis-${port || "6379"}`));
  await mkdir(dir, { recursive: true });
  const child = spawn(
    "redis-server",
    ["--port", port || "6379", "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes",
      "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((settle) => child.once("exit", () => settle()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await redisAnswers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not start on port ${port || "6379"} (data in ${dir}). ${HOW_TO_GET_ONE}`);
    }
    await new Promise((settle) => setTimeout(settle, 100));
  }
  return {
    description: `${maskUrl(url)} (started here: AOF in ${dir})`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
