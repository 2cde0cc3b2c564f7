import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { stopChild } from "./app-process.ts";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait-for.ts";

export interface TestPostgresServer {
  port: number;
  /** The server's `postgres` database, to create others on. */
  adminUrl: string;
  urlFor(database: string): string;
  /** An immediate-mode shutdown (SIGQUIT): no checkpoint, crash recovery on the next start. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** The postmaster and its backends, for CPU accounting. */
  pids(): number[];
  stop(): Promise<void>;
}

const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The newest server binaries Debian's postgresql package installed. */
function binDir(): string {
  const versions = existsSync(POSTGRES_ROOT) ? readdirSync(POSTGRES_ROOT).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((version) => join(POSTGRES_ROOT, version, "bin")).find((dir) => existsSync(join(dir, "initdb")));
  if (!found) throw new Error(`no PostgreSQL server binaries under ${POSTGRES_ROOT} (apt-get install postgresql)`);
  return found;
}

/**
 * Postgres refuses to run as root: as root, run its binaries as the `postgres` system user. `setpriv`
 * execs in place, so the child's PID is the postmaster's own and a signal reaches it directly.
 */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", command, ...args]];
}

function ownedByPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(spawnSync("id", ["-u", "postgres"]).stdout.toString().trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"]).stdout.toString().trim());
  chownSync(dir, uid, gid);
}

/** Processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * A private PostgreSQL cluster, initialised in a temp dir on a free loopback port, for tests and chaos
 * runs that crash and restart Postgres. It never touches the shared server.
 */
export async function startPostgresServer(): Promise<TestPostgresServer> {
  const bin = binDir();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "payq-pg-"));
  ownedByPostgres(dir);
  const data = join(dir, "data");
  const [initCommand, initArgs] = asPostgres(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const init = spawnSync(initCommand, initArgs, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);

  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = (name: NodeJS.Signals) => stopChild(child, name);
  const start = async () => {
    if (running()) return;
    const [command, args] = asPostgres(join(bin, "postgres"), [
      "-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
    ]);
    child = spawn(command, args, { stdio: "ignore" });
    await waitFor(async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.query("SELECT 1");
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, { timeoutMs: 30_000, intervalMs: 100, message: `postgres on port ${port} did not start` });
  };
  await start();
  return {
    port,
    adminUrl,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    crash: () => signal("SIGQUIT"),
    pids: () => (child?.pid === undefined ? [] : [child.pid, ...childrenOf(child.pid)]),
    start,
    stop: async () => {
      await signal("SIGINT");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
