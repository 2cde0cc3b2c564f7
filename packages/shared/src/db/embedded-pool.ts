import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite, types, type Results } from "@electric-sql/pglite";
import type { QueryConfig, QueryResultRow } from "pg";
import { parseSafeInteger } from "./int8.ts";
import { claimPidFile, releasePidFile } from "./pid-file.ts";
import type { Pool, PoolClient, QueryOutcome } from "./pool.ts";

/** `pglite:<directory>`: an embedded PostgreSQL (PGlite) in this process, its data in that directory. */
const SCHEME = "pglite:";
const LOCK_FILE = "payq.pid";

export const isEmbeddedUrl = (url: string): boolean => url.startsWith(SCHEME);

/** The URL of an embedded database kept in `directory`. */
export const embeddedUrl = (directory: string): string => `${SCHEME}${resolve(directory)}`;

export function embeddedDirectory(url: string): string {
  const path = decodeURIComponent(url.slice(SCHEME.length).replace(/^\/\/(?=\/)/, ""));
  if (!path) throw new Error("an embedded DATABASE_URL names a directory: pglite:/path/to/data");
  return resolve(path);
}

/**
 * One PGlite per directory per process, shared by every pool on it: PGlite is one Postgres backend,
 * so this process is the only one that may open the directory (a pid file says who has it).
 */
interface Instance {
  db: Promise<PGlite>;
  pools: number;
  /** Held by one statement, or by one checked-out client for its whole transaction. */
  lock: Lock;
  /** Set once the last pool ended; a pool made meanwhile opens the directory again after it. */
  closing?: Promise<void>;
}
const instances = new Map<string, Instance>();

class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((settle) => (release = settle));
    const turn = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return turn;
  }
}

/**
 * A `Pool` over an embedded PGlite, for `pnpm start` on a machine without PostgreSQL. It is one
 * connection: statements take turns, and a client taken with `connect()` has the database to itself
 * until it is released, so a transaction never interleaves with another's statements.
 */
export function createEmbeddedPool(url: string): Pool {
  const directory = embeddedDirectory(url);
  let instance = instances.get(directory);
  if (!instance || instance.closing) {
    const closing = instance?.closing ?? Promise.resolve();
    const fresh: Instance = { db: closing.then(() => open(directory)), pools: 0, lock: new Lock() };
    // A directory that failed to open is tried afresh by the next pool, not remembered as broken.
    fresh.db.catch(() => instances.get(directory) === fresh && instances.delete(directory));
    instances.set(directory, fresh);
    instance = fresh;
  }
  instance.pools += 1;
  const mine = instance;
  const { lock, db } = instance;
  let ended = false;

  const exclusive = async <T>(work: (pglite: PGlite) => Promise<T>): Promise<T> => {
    const pglite = await db;
    const release = await lock.acquire();
    try {
      return await work(pglite);
    } finally {
      release();
    }
  };

  return {
    query: <R extends QueryResultRow>(text: string | QueryConfig, values?: unknown[]) =>
      exclusive((pglite) => run<R>(pglite, text, values)),
    async connect(): Promise<PoolClient> {
      const pglite = await db;
      const release = await lock.acquire();
      let released = false;
      return {
        query: <R extends QueryResultRow>(text: string | QueryConfig, values?: unknown[]) => run<R>(pglite, text, values),
        release() {
          if (!released) release();
          released = true;
        },
      };
    },
    async end() {
      if (ended) return;
      ended = true;
      await close(mine, directory);
    },
  };
}

async function open(directory: string): Promise<PGlite> {
  mkdirSync(directory, { recursive: true });
  const pidFile = join(directory, LOCK_FILE);
  claimPidFile(
    pidFile,
    (holder) =>
      new Error(
        `the embedded PostgreSQL in ${directory} is in use by process ${holder}; it serves one process at a time ` +
          `(stop that one, or point DATABASE_URL at a PostgreSQL server; if no payq runs, delete ${pidFile})`,
      ),
  );
  try {
    return await PGlite.create(directory, {
      // The same readings as the pg pool: money in int8 arrives as a safe JavaScript number.
      parsers: { [types.INT8]: parseSafeInteger },
    });
  } catch (error) {
    releasePidFile(pidFile);
    throw error;
  }
}

function close(instance: Instance, directory: string): Promise<void> {
  instance.pools -= 1;
  if (instance.pools > 0) return Promise.resolve();
  instance.closing = (async () => {
    const db = await instance.db.catch(() => null);
    // Statements in flight finish first: the lock is taken for good, then the database closes.
    await instance.lock.acquire();
    await db?.close();
    releasePidFile(join(directory, LOCK_FILE));
    if (instances.get(directory) === instance) instances.delete(directory);
  })();
  return instance.closing;
}

/** Runs one query the way pg would answer it. Without parameters, text may hold several statements. */
async function run<R extends QueryResultRow>(db: PGlite, query: string | QueryConfig, values?: unknown[]): Promise<QueryOutcome<R>> {
  const text = typeof query === "string" ? query : query.text;
  const params = values ?? (typeof query === "string" ? undefined : query.values);
  const result = params?.length ? await db.query<R>(text, params) : ((await db.exec(text)).at(-1) as Results<R> | undefined);
  const rows = result?.rows ?? [];
  return { rows, rowCount: result?.rowCount ?? result?.affectedRows ?? rows.length };
}
