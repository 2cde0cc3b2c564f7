import { Router } from "express";
import type { Registry } from "prom-client";

/** A named dependency check for readiness: resolves when the dependency answers. */
export type ReadinessCheck = [name: string, check: () => Promise<unknown>];

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(promise: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/**
 * `/healthz`: the process is alive. `/readyz`: every dependency answers (503 naming those that don't).
 * `/metrics`: Prometheus text exposition.
 */
export function operationsRouter(checks: ReadinessCheck[], registry: Registry): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ([name, check]) => {
        try {
          await withTimeout(check());
          return [name, "ok"] as const;
        } catch {
          return [name, "unavailable"] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not_ready", checks: Object.fromEntries(results) });
  });
  router.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
