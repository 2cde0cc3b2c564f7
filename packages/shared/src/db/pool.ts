import pg from "pg";

/** Postgres `int8` (OID 20) carries money in minor units; amounts are capped far below 2^53. */
const INT8_OID = 20;

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8_OID ? parseSafeInteger : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return value;
}

export interface PoolOptions {
  connectionString: string;
  /** Connections per process. @default 10 */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(options: PoolOptions): Pool {
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
