import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redisAnswers } from "@payq/shared";
import { stopChild } from "./app-process.ts";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait-for.ts";

export interface TestRedisServer {
  port: number;
  url: string;
  /** SIGKILL: no shutdown save, like a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory (so from its AOF, if it wrote one). */
  restart(): Promise<void>;
  /** Kills it, deletes everything it wrote, and starts it empty on the same port. */
  wipe(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free loopback port with its own data directory, for tests that kill,
 * restart or flush Redis. It never touches the shared instance.
 */
export async function startRedisServer(options: { appendOnly?: boolean } = {}): Promise<TestRedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "payq-redis-"));
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--dir", dir,
    "--save", "",
    "--appendonly", options.appendOnly === false ? "no" : "yes",
    "--appendfsync", "everysec",
    "--maxmemory-policy", "noeviction",
  ];
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn("redis-server", args, { stdio: "ignore" });
    await waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`), { timeoutMs: 10_000, message: `redis-server on port ${port} did not start` });
  };
  const kill = () => stopChild(child);
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    wipe: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      await launch();
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
