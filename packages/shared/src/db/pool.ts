import pg, { type QueryConfig, type QueryResultRow } from "pg";
import { createEmbeddedPool, isEmbeddedUrl } from "./embedded-pool.ts";
import { INT8_OID, parseSafeInteger } from "./int8.ts";

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8_OID ? parseSafeInteger : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** `postgres://…` for a PostgreSQL server, `pglite:<directory>` for the embedded one. */
  connectionString: string;
  /** Connections per process (a server's pool). @default 10 */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

/** What payq reads of a query's result: its rows, and how many the statement touched. */
export interface QueryOutcome<R> {
  rows: R[];
  rowCount: number | null;
}

/** What payq asks of a database connection: the part of pg's API that the embedded database offers too. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string | QueryConfig, values?: unknown[]): Promise<QueryOutcome<R>>;
}

export interface PoolClient extends Queryable {
  /** Gives the client back; with an error, the connection is thrown away instead. */
  release(error?: Error | boolean): void;
}

export interface Pool extends Queryable {
  /** A client of its own, for a transaction. */
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
}

export function createPool(options: PoolOptions): Pool {
  if (isEmbeddedUrl(options.connectionString)) return createEmbeddedPool(options.connectionString);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "payq",
    // Also how long a query waits for a free pooled connection: generous, so a busy moment (more jobs in
    // flight than connections) is not mistaken for Postgres being down.
    connectionTimeoutMillis: 10_000,
    types,
  });
  // A client that loses its server emits "error": an idle one through the pool, a checked-out one on
  // itself (Postgres restarted mid-transaction). Without a listener either would crash the process; the
  // query in hand fails on its own, and the pool drops the dead client.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}
