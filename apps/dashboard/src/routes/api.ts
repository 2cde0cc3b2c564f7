import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import { apiError } from "@payq/runtime";
import {
  cancelReplayRun,
  countReplayTarget,
  deadLetterFilterSchema,
  discardDeadLetters,
  findPayment,
  findReplayRun,
  listAudit,
  listDeadLetters,
  listReplayRuns,
  liveDeadLetterIds,
  loadDeadLetter,
  matchingDeadLetterIds,
  MAX_RUN_SIZE,
  recordAudit,
  type ReplayTarget,
} from "@payq/shared";
import { requireOperator } from "../auth/require-role.ts";
import type { ConsoleDeps } from "../console/console-deps.ts";
import { breakerViews, loadOverview } from "../console/overview.ts";
import { redact } from "../redact.ts";
import { cursorFromQuery, filterFromQuery } from "./filter-query.ts";

const uuid = z.uuid();
/** A selection (at most 1,000 picked by hand) or a filter, never both. */
const target = z.union([
  z.strictObject({ ids: z.array(uuid).min(1).max(1_000) }),
  z.strictObject({ filter: deadLetterFilterSchema }),
]);
const replayBody = z.intersection(
  target,
  z.object({ dryRun: z.boolean().optional(), ratePerSecond: z.number().int().min(1).max(1_000).optional() }),
);
const discardBody = z.intersection(
  target,
  z.object({ dryRun: z.boolean().optional(), reason: z.string().trim().min(1).max(500).optional() }),
);
const forceBody = z.strictObject({ action: z.enum(["open", "closed", "reset"]), reason: z.string().trim().min(1).max(500) });

function parse<T>(schema: z.ZodType<T>, body: unknown, res: Response): T | null {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  res.status(400).json(
    apiError(
      "validation_failed",
      "the request is not valid",
      result.error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message })),
    ),
  );
  return null;
}

/** Strips the optional fields off a parsed body, leaving the target the shared code takes. */
const targetOf = (body: { ids?: string[]; filter?: z.infer<typeof deadLetterFilterSchema> }): ReplayTarget =>
  body.ids ? { ids: body.ids } : { filter: body.filter ?? {} };

const actor = (req: Request) => req.session.user!.name;

/** Of picked ids, those that are not live dead letters, and what they are instead. */
async function notReplayable(deps: ConsoleDeps, ids: string[]): Promise<{ id: string; reason: string }[]> {
  const live = new Set(await liveDeadLetterIds(deps.pool, ids));
  const { rows } = await deps.pool.query<{ id: string; status: string; discarded: boolean }>(
    `SELECT p.id, p.status, d.discarded_at IS NOT NULL AS discarded
       FROM payments p LEFT JOIN dead_letters d ON d.payment_id = p.id WHERE p.id = ANY($1::uuid[])`,
    [ids],
  );
  const known = new Map(rows.map((r) => [r.id, r.discarded ? "discarded" : `status_${r.status}`]));
  return ids.filter((id) => !live.has(id)).map((id) => ({ id, reason: known.get(id) ?? "not_found" }));
}

/** The console's JSON API. Reads are for anyone signed in; every action needs an operator. */
export function apiRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  router.use(express.json({ limit: "64kb" }));

  router.get("/overview", async (_req, res) => {
    res.json(await loadOverview(deps, deps.thresholds));
  });

  router.get("/dead-letters", async (req, res) => {
    const parsed = filterFromQuery(req.query);
    if ("error" in parsed) return res.status(400).json(apiError("invalid_filter", parsed.error));
    const limit = Math.min(Math.max(Number(req.query.limit) || 50, 1), 500);
    const page = await listDeadLetters(deps.pool, parsed.filter, { limit, after: cursorFromQuery(parsed.form.after) });
    return res.json({ items: page.items, next: page.next && `${page.next.at}|${page.next.id}` });
  });

  router.get("/dead-letters/:id", async (req: Request<{ id: string }>, res) => {
    const payment = uuid.safeParse(req.params.id).success ? await findPayment(deps.pool, req.params.id) : null;
    if (!payment) return res.status(404).json(apiError("not_found", "no such payment"));
    return res.json({ payment: redact(payment), deadLetter: await loadDeadLetter(deps.pool, payment.id) });
  });

  router.post("/dead-letters/replay", requireOperator, async (req, res) => {
    const body = parse(replayBody, req.body, res);
    if (!body) return;
    const chosen = targetOf(body);
    if (body.dryRun) return res.json({ count: await countReplayTarget(deps.pool, chosen) });
    // Picked payments that are not live dead letters (succeeded, replayed already, discarded) are
    // reported and left alone; if none is left, there is nothing to do.
    const skipped = "ids" in chosen ? await notReplayable(deps, chosen.ids) : [];
    if ("ids" in chosen && skipped.length === chosen.ids.length) {
      await recordAudit(deps.pool, {
        actor: actor(req),
        action: "dlq.replay",
        target: chosen.ids.slice(0, 20).join(","),
        count: 0,
        outcome: "refused",
        details: { skipped },
      });
      return res.status(409).json(apiError("nothing_to_replay", "none of these payments is a live dead letter", skipped));
    }
    const run = await deps.replays.start(actor(req), chosen, body.ratePerSecond ?? deps.defaultReplayRate);
    return res.status(202).location(`/api/replays/${run.id}`).json({ run, skipped });
  });

  router.post("/dead-letters/discard", requireOperator, async (req, res) => {
    const body = parse(discardBody, req.body, res);
    if (!body) return;
    const chosen = targetOf(body);
    if (body.dryRun) return res.json({ count: await countReplayTarget(deps.pool, chosen) });
    if (!body.reason) return res.status(400).json(apiError("reason_required", "say why these dead letters are discarded"));
    const ids = "ids" in chosen ? await liveDeadLetterIds(deps.pool, chosen.ids) : await matchingDeadLetterIds(deps.pool, chosen.filter, MAX_RUN_SIZE);
    const discarded = await discardDeadLetters(deps, ids, actor(req), body.reason);
    await recordAudit(deps.pool, {
      actor: actor(req),
      action: "dlq.discard",
      target: "ids" in chosen ? chosen.ids.slice(0, 20).join(",") : null,
      filter: "filter" in chosen ? chosen.filter : undefined,
      count: discarded.length,
      outcome: "ok",
      details: { reason: body.reason },
    });
    return res.json({ discarded: discarded.length });
  });

  router.get("/replays", async (_req, res) => {
    res.json({ runs: await listReplayRuns(deps.pool, 20) });
  });

  router.get("/replays/:id", async (req: Request<{ id: string }>, res) => {
    const run = await findReplayRun(deps.pool, Number(req.params.id) || 0);
    return run ? res.json({ run }) : res.status(404).json(apiError("not_found", "no such replay run"));
  });

  router.post("/replays/:id/cancel", requireOperator, async (req: Request<{ id: string }>, res) => {
    const id = Number(req.params.id) || 0;
    const cancelled = await cancelReplayRun(deps.pool, id);
    await recordAudit(deps.pool, { actor: actor(req), action: "dlq.replay.cancel", target: String(id), outcome: cancelled ? "ok" : "not_running" });
    return cancelled ? res.json({ cancelled: true }) : res.status(409).json(apiError("not_running", "that run is not running"));
  });

  router.get("/breakers", async (_req, res) => {
    res.json({ breakers: await breakerViews(deps.breakers) });
  });

  router.post("/breakers/:name/force", requireOperator, async (req: Request<{ name: string }>, res) => {
    const body = parse(forceBody, req.body, res);
    if (!body) return;
    const known = await deps.breakers.names();
    if (!known.includes(req.params.name)) return res.status(404).json(apiError("not_found", "no such breaker"));
    const snapshot = await deps.breakers.force(req.params.name, body.action, actor(req), body.reason);
    await recordAudit(deps.pool, {
      actor: actor(req),
      action: "breaker.force",
      target: req.params.name,
      outcome: "ok",
      details: { action: body.action, reason: body.reason, state: snapshot.kind },
    });
    return res.json({ breaker: snapshot });
  });

  router.get("/audit", async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 50, 1), 500);
    res.json({ records: await listAudit(deps.pool, { limit, before: Number(req.query.before) || undefined }) });
  });

  return router;
}
