import pg from "pg";

/**
 * True if a PostgreSQL server answers at `url`'s host and port now, even to refuse us (no such database,
 * wrong password): that is a server someone runs, and its error is worth seeing, not hiding.
 */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    return error instanceof pg.DatabaseError;
  } finally {
    await client.end().catch(() => undefined);
  }
}
