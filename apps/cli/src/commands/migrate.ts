import { z } from "zod";
import { databaseEnv, maskUrl, parseEnv } from "@payq/runtime";
import { migrate } from "@payq/shared";
import { say } from "../output.ts";

/** `payq migrate`: creates the database if needed and applies pending migrations. */
export async function migrateCommand(): Promise<number> {
  const env = parseEnv(z.object(databaseEnv));
  const applied = await migrate(env.DATABASE_URL);
  say(applied.length ? `applied ${applied.join(", ")} to ${maskUrl(env.DATABASE_URL)}` : `${maskUrl(env.DATABASE_URL)} is up to date`);
  return 0;
}
