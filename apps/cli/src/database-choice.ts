import { join } from "node:path";
import { z } from "zod";
import { databaseEnv, DEFAULT_DATABASE_URL, maskUrl, parseEnv } from "@payq/runtime";
import { embeddedDirectory, embeddedUrl, isEmbeddedUrl, postgresAnswers } from "@payq/shared";

/** Where the embedded database keeps its data, under the directory payq is started from. */
export const EMBEDDED_DIRECTORY = join(".data", "pglite");

export interface DatabaseChoice {
  url: string;
  /** The embedded PostgreSQL: every app must then run in this one process. */
  embedded: boolean;
  /** What `payq start` says about it. */
  description: string;
}

/**
 * The database payq runs on: DATABASE_URL when it is set; otherwise the PostgreSQL at the default URL if
 * one answers there, and if none does, the embedded PostgreSQL (PGlite) with its data under `.data/`.
 */
export async function chooseDatabase(configured: string | undefined, fallback = DEFAULT_DATABASE_URL): Promise<DatabaseChoice> {
  if (configured) return describe(configured);
  if (await postgresAnswers(fallback)) return describe(fallback);
  const url = embeddedUrl(EMBEDDED_DIRECTORY);
  return {
    url,
    embedded: true,
    description: `embedded (PGlite) in ${embeddedDirectory(url)}: no PostgreSQL answers at ${maskUrl(fallback)}`,
  };
}

/** The database of a one-off command (migrate, reconcile, dlq): DATABASE_URL, checked, or `payq start`'s choice. */
export async function commandDatabaseUrl(): Promise<string> {
  const { DATABASE_URL } = parseEnv(z.object(databaseEnv));
  return (await chooseDatabase(process.env.DATABASE_URL ? DATABASE_URL : undefined)).url;
}

function describe(url: string): DatabaseChoice {
  return isEmbeddedUrl(url)
    ? { url, embedded: true, description: `embedded (PGlite) in ${embeddedDirectory(url)}` }
    : { url, embedded: false, description: maskUrl(url) };
}
