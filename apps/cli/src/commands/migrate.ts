import { maskUrl } from "@payq/runtime";
import { migrate } from "@payq/shared";
import { commandDatabaseUrl } from "../database-choice.ts";
import { say } from "../output.ts";

/** `payq migrate`: creates the database if needed and applies pending migrations. */
export async function migrateCommand(): Promise<number> {
  const url = await commandDatabaseUrl();
  const applied = await migrate(url);
  say(applied.length ? `applied ${applied.join(", ")} to ${maskUrl(url)}` : `${maskUrl(url)} is up to date`);
  return 0;
}
