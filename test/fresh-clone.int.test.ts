import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_API_KEY } from "@payq/runtime";
import { spawnCaptured, waitFor } from "@payq/testing";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MINUTE = 60_000;

/**
 * The README's two commands, tried as a newcomer would: a fresh copy of the repository (what `git clone`
 * would give: tracked files and new ones, nothing ignored), installed from its own lockfile, then run in
 * a network namespace of its own, where nothing answers on loopback: no PostgreSQL, no Redis. `pnpm start`
 * must bring up the whole system on the embedded PostgreSQL and a redis-server of its own, and `pnpm test`
 * must start the services it needs.
 */
describe("a fresh clone, on a machine with Node and redis-server but no PostgreSQL or Redis running", () => {
  let clone: string;

  /** Runs `command` in the clone inside a new network namespace with only loopback, in its own process group. */
  const isolated = (command: string) =>
    spawnCaptured("unshare", ["--net", "--", "sh", "-c", `ip link set lo up && exec ${command}`], {
      cwd: clone,
      detached: true,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "warn", NO_COLOR: "1" },
    });

  /** Runs a script with the clone's node_modules, inside the network namespace of process `pid`. */
  function insideNamespaceOf(pid: number, script: string): string {
    return execFileSync("nsenter", ["-t", String(pid), "-n", "--", process.execPath, "--input-type=module", "-e", script], {
      cwd: clone,
      encoding: "utf8",
      timeout: 2 * MINUTE,
    });
  }

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), "payq-fresh-clone-"));
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
    for (const file of files.split("\0").filter((name) => name && existsSync(join(ROOT, name)))) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(ROOT, file), join(clone, file));
    }
    execFileSync("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], { cwd: clone, stdio: "ignore", timeout: 5 * MINUTE });
  }, 6 * MINUTE);
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it("pnpm start runs the whole system on the embedded PostgreSQL and its own redis-server, and stops it all", async () => {
    const run = isolated("pnpm start");
    try {
      const up = await waitFor(() => run.output().includes("payq is running"), { timeoutMs: 2 * MINUTE }).then(() => true, () => false);
      expect(up, `pnpm start did not come up:\n${run.output()}`).toBe(true);
      expect(run.output()).toContain(`postgres   embedded (PGlite) in ${join(clone, ".data/pglite")}`);
      expect(run.output()).toContain(`redis      redis://127.0.0.1:6379 (started here: AOF in ${join(clone, ".data/redis-6379")})`);

      const report = insideNamespaceOf(run.child.pid!, checkScript());
      expect(JSON.parse(report)).toEqual({
        health: [200, 200, 200, 200],
        ready: [200, 200, 200],
        statuses: Array.from({ length: 10 }, () => "succeeded"),
        captures: 10,
        dashboardLogin: 303,
      });
    } finally {
      // Ctrl-C: the terminal signals the whole process group, pnpm and payq alike.
      process.kill(-run.child.pid!, "SIGINT");
    }
    const { code, signal } = await run.exited;
    expect([0, "SIGINT"]).toContain(code ?? signal);
    await waitFor(() => processesMentioning(clone).length === 0, { timeoutMs: MINUTE, message: "payq start left processes running" });
    expect(run.output()).not.toMatch(/error|stopped unexpectedly/i);
    expect(existsSync(join(clone, ".data/pglite/PG_VERSION"))).toBe(true);
    expect(existsSync(join(clone, ".data/pglite/payq.pid"))).toBe(false);
    expect(existsSync(join(clone, ".data/redis-6379/appendonlydir"))).toBe(true);
  }, 4 * MINUTE);

  it("pnpm test starts its own PostgreSQL and Redis and passes", async () => {
    const run = isolated("pnpm test test/happy-path.int.test.ts");
    const { code } = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/no shared services answered; started PostgreSQL on port \d+ and Redis on port \d+/);
    expect(run.output()).toMatch(/Tests\s+\S*\d+ passed/);
    expect(processesMentioning(clone)).toEqual([]);
  }, 6 * MINUTE);
});

/** What a newcomer checks first: everything answers, payments settle once each, the console lets them in. */
function checkScript(): string {
  return `
    const at = (port, path) => "http://127.0.0.1:" + port + path;
    const health = await Promise.all([3000, 3001, 3002, 4010].map((port) => fetch(at(port, "/healthz")).then((r) => r.status)));
    const ready = await Promise.all([3000, 3001, 3002].map((port) => fetch(at(port, "/readyz")).then((r) => r.status)));
    const headers = { authorization: "Bearer ${DEV_API_KEY.key}", "content-type": "application/json" };
    const ids = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(at(3000, "/v1/payments"), {
        method: "POST",
        headers: { ...headers, "idempotency-key": "fresh-clone-" + i },
        body: JSON.stringify({ amount: 1000 + i, currency: "EUR", source: "tok_visa" }),
      });
      ids.push((await response.json()).id);
    }
    let statuses = [];
    for (let tries = 0; tries < 120; tries += 1) {
      statuses = await Promise.all(ids.map(async (id) => (await (await fetch(at(3000, "/v1/payments/" + id), { headers })).json()).status));
      if (statuses.every((status) => status === "succeeded")) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const captures = (await (await fetch(at(4010, "/v1/stats"))).json()).captures;
    const login = await fetch(at(3001, "/login"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=admin&password=payq-admin",
    });
    process.stdout.write(JSON.stringify({ health, ready, statuses, captures, dashboardLogin: login.status }));
  `;
}

/** Live processes whose command line names `dir`: whatever the clone's commands left running. */
function processesMentioning(dir: string): string[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        return command.includes(dir) ? [`${pid}: ${command}`] : [];
      } catch {
        return [];
      }
    });
}
