import express, { type Request, type Response } from "express";
import { z } from "zod";
import type { Logger } from "@payq/runtime";
import { ChargeBook } from "./charge-book.ts";
import { RequestLog } from "./request-log.ts";
import { applyFaultsUpdate, faultsUpdateSchema, inOutage, NO_FAULTS, type Faults } from "./faults.ts";
import { WebhookSink } from "./webhook-sink.ts";

export interface BankSimOptions {
  faults?: Partial<Faults>;
  /** Verifies webhook deliveries the sink receives. */
  webhookSecret?: string;
  logger: Logger;
  random?: () => number;
}

const chargeRequestSchema = z.strictObject({
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  source: z.string().min(1).max(128),
  reference: z.string().min(1).max(128),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The simulated bank: charges with idempotency, fault injection, a statement, and a webhook sink. */
export function createBankSim(options: BankSimOptions) {
  const random = options.random ?? Math.random;
  const state = {
    faults: { ...NO_FAULTS, ...options.faults },
    book: new ChargeBook(),
    sink: new WebhookSink(options.webhookSecret),
    log: new RequestLog(),
    injected: { failure: 0, ambiguous: 0, timeout: 0, rateLimited: 0, outage: 0, webhookFailure: 0 },
  };
  const app = express();
  app.disable("x-powered-by");

  app.post("/v1/charges", express.json(), async (req: Request, res: Response) => {
    const logged = state.log.add(req.get("idempotency-key"));
    const { log } = state;
    res.once("close", () => log.end(logged));
    const { faults } = state;
    if (faults.latencyMs || faults.latencyJitterMs) await sleep(faults.latencyMs + random() * faults.latencyJitterMs);
    if (inOutage(faults)) {
      state.injected.outage += 1;
      return res.status(503).json({ error: "bank_unavailable" });
    }
    if (random() < faults.rateLimitRate) {
      state.injected.rateLimited += 1;
      return res.status(429).set("Retry-After", String(faults.retryAfterS)).json({ error: "rate_limited" });
    }
    if (random() < faults.failureRate) {
      state.injected.failure += 1;
      return res.status(500).json({ error: "internal_error" });
    }
    const key = req.get("idempotency-key");
    if (!key) return res.status(400).json({ error: "idempotency_key_missing" });
    const parsed = chargeRequestSchema.safeParse(req.body);
    if (!parsed.success) return res.status(400).json({ error: "invalid_request", detail: z.prettifyError(parsed.error) });

    const result = state.book.charge(key, parsed.data);
    if (result.kind === "key_conflict") return res.status(422).json({ error: "idempotency_key_reused" });
    if (result.kind === "invalid_source") return res.status(400).json({ error: "invalid_source" });
    if (result.kind === "new" && random() < faults.timeoutRate) {
      state.injected.timeout += 1;
      await sleep(faults.timeoutMs);
    }
    if (result.kind === "new" && random() < faults.ambiguousRate) {
      state.injected.ambiguous += 1;
      if (random() < 0.5) return res.socket?.destroy();
      return res.status(500).json({ error: "internal_error" });
    }
    const { charge } = result;
    if (result.kind === "replayed") res.set("Idempotent-Replayed", "true");
    return res.status(charge.status === "captured" ? 201 : 402).json(charge);
  });

  app.get("/v1/charges/:key", (req: Request<{ key: string }>, res: Response) => {
    const found = state.book.lookup(req.params.key);
    return found ? res.json(found) : res.status(404).json({ error: "charge_not_found" });
  });

  app.get("/v1/stats", (_req, res) => {
    res.json({
      requests: state.log.firstRequests + state.log.repeatRequests,
      firstRequests: state.log.firstRequests,
      repeatRequests: state.log.repeatRequests,
      ...state.book.totals(),
      faultsInjected: state.injected,
      webhooks: state.sink.totals(),
    });
  });

  app.get("/v1/requests", (req: Request, res: Response) => {
    const from = Number(req.query.from ?? 0);
    const until = req.query.until === undefined ? Infinity : Number(req.query.until);
    res.json({ requests: state.log.since(from, until) });
  });

  app.get("/v1/statement", (_req, res) => {
    res.json({ captures: state.book.statement() });
  });

  app.get("/v1/faults", (_req, res) => {
    res.json(state.faults);
  });

  app.put("/v1/faults", express.json(), (req: Request, res: Response) => {
    const parsed = faultsUpdateSchema.safeParse(req.body);
    if (!parsed.success) return res.status(400).json({ error: "invalid_faults", detail: z.prettifyError(parsed.error) });
    state.faults = applyFaultsUpdate(state.faults, parsed.data);
    options.logger.info({ faults: state.faults }, "faults changed");
    return res.json(state.faults);
  });

  app.post("/v1/reset", (_req, res) => {
    state.book = new ChargeBook();
    state.sink = new WebhookSink(options.webhookSecret);
    state.log = new RequestLog();
    for (const key of Object.keys(state.injected) as (keyof typeof state.injected)[]) state.injected[key] = 0;
    state.faults = { ...NO_FAULTS };
    res.status(204).end();
  });

  app.post("/webhooks{/*path}", express.text({ type: "*/*", limit: "1mb" }), (req: Request, res: Response) => {
    if (random() < state.faults.webhookFailureRate) {
      state.injected.webhookFailure += 1;
      return res.status(500).json({ error: "merchant_down" });
    }
    const body = typeof req.body === "string" ? req.body : "";
    state.sink.record(req.path, req.headers, body);
    return res.status(204).end();
  });

  app.get("/v1/webhooks", (_req, res) => {
    res.json({ deliveries: state.sink.list() });
  });

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });

  return { app, state };
}
