import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bankSimEnvSchema } from "@payq/bank-sim";
import { dashboardEnvSchema } from "@payq/dashboard";
import { producerEnvSchema } from "@payq/producer";
import { workerEnvSchema } from "@payq/worker";

/** What this test needs of a zod object schema. */
interface EnvSchema {
  shape: Record<string, unknown>;
  safeParse(input: unknown): { success: true; data: unknown } | { success: false; error: { message: string } };
}

/** Every app's env schema, by the name the README's "used by" column gives it. */
const SCHEMAS: Record<string, EnvSchema> = {
  producer: producerEnvSchema,
  worker: workerEnvSchema,
  dashboard: dashboardEnvSchema,
  "bank-sim": bankSimEnvSchema,
};
/** Documented variables read outside the four apps' schemas. */
const ELSEWHERE = new Set(["PAYQ_API_KEY", "PAYQ_FUZZ_SEED", "TEST_REDIS_URL", "TEST_PG_ADMIN_URL"]);

interface Row {
  names: string[];
  defaults: string[];
  usedBy: string;
}

/** The configuration table: each row names one or more `VARIABLES`, their `defaults`, and who reads them. */
function configurationTable(): Row[] {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("### Retry policy"));
  const ticked = (cell: string) => [...cell.matchAll(/`([^`]*)`/g)].map((match) => match[1]!);
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [name = "", defaults = "", usedBy = ""] = line.split(" | ").map((cell) => cell.replace(/^\| /, ""));
      return { names: ticked(name), defaults: ticked(defaults), usedBy };
    });
}

/** The default a schema gives a variable, as it would be written in the README, if it is a plain value. */
function defaultOf(schema: EnvSchema, name: string): string | undefined {
  const parsed = schema.safeParse({});
  if (!parsed.success) throw new Error(`a bare start fails: ${parsed.error.message}`);
  const value = (parsed.data as Record<string, unknown>)[name];
  return ["string", "number", "boolean"].includes(typeof value) ? String(value) : undefined;
}

describe("the README's configuration table", () => {
  const rows = configurationTable();
  const documented = new Map(rows.flatMap((row) => row.names.map((name) => [name, row] as const)));

  it("documents every variable an app reads", () => {
    for (const [app, schema] of Object.entries(SCHEMAS)) {
      const missing = Object.keys(schema.shape).filter((name) => !documented.has(name));
      expect(missing, `${app} reads these, the README does not say`).toEqual([]);
    }
  });

  it("names only variables something reads", () => {
    const read = new Set(Object.values(SCHEMAS).flatMap((schema) => Object.keys(schema.shape)));
    expect([...documented.keys()].filter((name) => !read.has(name) && !ELSEWHERE.has(name))).toEqual([]);
  });

  it("says which apps read each variable", () => {
    const unsaid = Object.entries(SCHEMAS).flatMap(([app, schema]) =>
      Object.keys(schema.shape)
        .filter((name) => !/\b(each app)\b/.test(documented.get(name)!.usedBy) && !documented.get(name)!.usedBy.includes(app))
        .map((name) => `${name} is read by ${app}`),
    );
    expect(unsaid).toEqual([]);
  });

  it("gives the defaults the schemas have, wherever it writes them as plain values", () => {
    let compared = 0;
    for (const row of rows) {
      // One value for every name in the row, or one per name in order; anything else is prose.
      const given = row.defaults.length === 1 ? row.names.map(() => row.defaults[0]!) : row.defaults;
      if (given.length !== row.names.length) continue;
      row.names.forEach((name, i) => {
        for (const [app, schema] of Object.entries(SCHEMAS)) {
          if (!(name in schema.shape) || !row.usedBy.includes(app)) continue;
          const actual = defaultOf(schema, name);
          if (actual === undefined) continue;
          expect(given[i], `${name} in ${app}`).toBe(actual);
          compared += 1;
        }
      });
    }
    expect(compared).toBeGreaterThan(40);
  });
});
