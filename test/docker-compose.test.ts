import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Service {
  command?: string[];
  volumes?: unknown[];
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
}

/**
 * The compose file as docker-compose itself resolves it (anchors merged, variables at their defaults).
 * Debian's docker-compose 1.29 validates without a Docker engine; `.ci/run` installs it.
 */
function resolvedCompose(): { services: Record<string, Service> } {
  const env = { PATH: process.env.PATH ?? "" };
  const run = (args: string[]) => execFileSync("docker-compose", args, { cwd: ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    run(["config", "-q"]);
  } catch (error) {
    throw new Error(`docker-compose config -q refused docker-compose.yml (is docker-compose installed? apt-get install docker-compose):\n${String((error as { stderr?: string }).stderr ?? error)}`, { cause: error });
  }
  return parse(run(["config"])) as { services: Record<string, Service> };
}

describe("docker-compose.yml", () => {
  const compose = resolvedCompose();

  it("brings up Redis, Postgres, the migration, bank-sim, producer, worker and dashboard", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["bank-sim", "dashboard", "migrate", "postgres", "producer", "redis", "worker"]);
  });

  it("runs Redis with AOF every second, noeviction, a healthcheck and a volume", () => {
    const redis = compose.services.redis!;
    expect(redis.command?.join(" ")).toContain("--appendonly yes --appendfsync everysec --maxmemory-policy noeviction");
    expect(redis.healthcheck?.test).toContain("ping");
    expect(redis.volumes).toHaveLength(1);
    expect(compose.services.postgres!.volumes).toHaveLength(1);
  });

  it("runs two workers, and every app's command is a real entry file", () => {
    expect(compose.services.worker!.deploy?.replicas).toBe(2);
    for (const name of ["bank-sim", "producer", "worker", "dashboard", "migrate"]) {
      const entry = compose.services[name]!.command?.[0] ?? "";
      expect(existsSync(`${ROOT}/${entry}`), `${name}: ${entry}`).toBe(true);
    }
  });

  it("keeps webhooks on the compose network only by name, never to all of loopback", () => {
    expect(compose.services.worker!.environment?.WEBHOOK_ALLOWED_HOSTS).toBe("bank-sim");
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(`${ROOT}/Dockerfile`, "utf8");

  it("builds in stages and runs as a user that is not root", () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((match) => match[1]);
    expect(users.at(-1)).toBeDefined();
    expect(["root", "0"]).not.toContain(users.at(-1));
  });

  it("copies every workspace package's manifest before installing from the lockfile", () => {
    const workspaces = execFileSync("git", ["ls-files", "*/package.json"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
    for (const manifest of workspaces) expect(dockerfile, manifest).toContain(`COPY ${manifest} `);
    expect(dockerfile).toContain("pnpm install --frozen-lockfile");
  });
});
