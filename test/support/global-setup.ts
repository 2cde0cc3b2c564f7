import { ensureTestServices, prepareTestDatabases } from "@payq/testing";

/**
 * Once per `vitest run`: the shared Postgres and Redis (started here if none answers), and a migrated
 * template database that every test copies.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const services = await ensureTestServices();
  if (services.started.length) process.stdout.write(`no shared services answered; started ${services.started.join(" and ")}\n`);
  await prepareTestDatabases();
  return () => services.stop();
}
