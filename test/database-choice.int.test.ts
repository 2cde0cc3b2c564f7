import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseDatabase } from "@payq/cli";
import { postgresAnswers } from "@payq/shared";
import { freePort, testPgAdminUrl } from "@payq/testing";

const onServer = (database: string) => Object.assign(new URL(testPgAdminUrl()), { pathname: `/${database}` }).toString();

describe("which database payq start and the CLI use", () => {
  it("takes DATABASE_URL as it is, a server's or an embedded one", async () => {
    expect(await chooseDatabase("postgres://u:secret@db.internal:5432/payq")).toEqual({
      url: "postgres://u:secret@db.internal:5432/payq",
      embedded: false,
      description: "postgres://u:****@db.internal:5432/payq",
    });
    expect(await chooseDatabase("pglite:/srv/payq")).toMatchObject({ url: "pglite:/srv/payq", embedded: true });
  });

  it("uses the default server when one answers there, even if its database does not exist yet", async () => {
    const url = onServer("payq_not_created_yet");
    expect(await postgresAnswers(url)).toBe(true);
    expect(await chooseDatabase(undefined, url)).toEqual({ url, embedded: false, description: url });
  });

  it("falls back to the embedded database under .data/ when nothing answers", async () => {
    const nobody = `postgres://postgres@127.0.0.1:${await freePort()}/payq`;
    expect(await postgresAnswers(nobody)).toBe(false);
    expect(await chooseDatabase(undefined, nobody)).toEqual({
      url: `pglite:${resolve(".data/pglite")}`,
      embedded: true,
      description: `embedded (PGlite) in ${resolve(".data/pglite")}: no PostgreSQL answers at ${nobody}`,
    });
  });
});
