import { prepareTestDatabases } from "@payq/testing";

/** Once per `vitest run`: a migrated template database that every test copies. */
export default async function setup(): Promise<void> {
  await prepareTestDatabases();
}
