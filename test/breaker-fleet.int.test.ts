import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killSpawnedApps, spawnApp, waitFor, type AppProcess } from "@payq/testing";
import { seedAcceptedPayments } from "./support/seed.ts";
import { Stack } from "./support/stack.ts";
import { inWindow, stateWindows } from "./support/windows.ts";

const PROBES = 3;
const WORKERS = 3;

describe("a breaker shared by the whole fleet", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({
      worker: false,
      env: {
        // Long enough that calls admitted before a trip have landed before the next half-open window.
        BREAKER_OPEN_MS: "3000",
        BREAKER_MAX_OPEN_MS: "4000",
        BREAKER_HALF_OPEN_PROBES: String(PROBES),
        WORKER_CONCURRENCY: "50",
        RETRY_MAX_ATTEMPTS: "25",
      },
    });
  });
  afterAll(async () => {
    killSpawnedApps();
    await stack?.stop();
  });

  it(`lets at most ${PROBES} probes through per half-open window across ${WORKERS} processes × 50, and logs each transition once`, async () => {
    const workers: AppProcess[] = Array.from({ length: WORKERS }, () =>
      spawnApp("worker", { ...stack.env, WORKER_PORT: "0", LOG_LEVEL: "info" }),
    );
    await waitFor(() => workers.every((w) => w.output().includes("worker running")), { timeoutMs: 30_000 });
    await stack.bankApi.setFaults({ outageForMs: 15_000 });
    await seedAcceptedPayments(stack, 600, 25);
    await stack.waitUntil(async () => (await stack.statusCounts()).succeeded === 600, 90_000, "payments did not all succeed");

    const transitions = await stack.breakerTransitions();
    const halfOpen = stateWindows(transitions).filter((w) => w.state === "half_open");
    const failedProbeWindows = transitions.filter((t) => t.reason === "probe_failed").length;
    expect(failedProbeWindows).toBeGreaterThanOrEqual(2);
    const requests = await stack.bankApi.requests();
    for (const window of halfOpen) {
      const probes = requests.filter((r) => inWindow(r.at, window)).length;
      expect(probes, `bank calls in the half-open window at ${window.from}`).toBeLessThanOrEqual(PROBES);
    }
    expect(transitions.at(-1)).toMatchObject({ from: "half_open", to: "closed", reason: "probes_succeeded" });

    // Each transition is logged by the one process whose call made it.
    const logged = workers.flatMap((w) => w.output().split("\n")).filter((line) => line.includes('"msg":"breaker bank: '));
    expect(logged).toHaveLength(transitions.length);
    expect((await stack.bankApi.stats()).referencesCapturedMoreThanOnce).toBe(0);
  }, 150_000);
});
