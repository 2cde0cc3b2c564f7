import { Router, type Request, type Response } from "express";
import { findPayment, listAudit, listDeadLetters, listReplayRuns, loadDeadLetter, countDeadLetters } from "@payq/shared";
import type { ConsoleDeps } from "../console/console-deps.ts";
import { breakerViews, loadOverview } from "../console/overview.ts";
import { auditBody } from "../views/audit.ts";
import { breakersBody } from "../views/breakers.ts";
import { deadLetterBody } from "../views/dead-letter.ts";
import { deadLettersBody } from "../views/dead-letters.ts";
import { escapeHtml } from "@payq/runtime";
import { layout, type Section } from "../views/layout.ts";
import { overviewBody } from "../views/overview.ts";
import { cursorFromQuery, filterFromQuery } from "./filter-query.ts";

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The console's four pages, rendered on the server. Action controls appear only for operators. */
export function pageRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const render = (req: Request, res: Response, section: Section, title: string, body: string, status = 200) => {
    res
      .status(status)
      .type("html")
      .send(layout({ user: req.session.user!, csrfToken: req.session.csrfToken ?? "" }, section, title, body));
  };
  const canAct = (req: Request) => req.session.user?.role === "operator";

  router.get("/", async (req, res) => {
    render(req, res, "overview", "Overview", overviewBody(await loadOverview(deps, deps.thresholds)));
  });

  router.get("/dead-letters", async (req, res) => {
    const parsed = filterFromQuery(req.query);
    if ("error" in parsed) {
      render(req, res, "dead-letters", "Dead letters", `<div class="banner">Bad filter: ${escapeHtml(parsed.error)}</div><a href="/dead-letters">Clear</a>`, 400);
      return;
    }
    const [page, total, runs] = await Promise.all([
      listDeadLetters(deps.pool, parsed.filter, { limit: PAGE_SIZE, after: cursorFromQuery(parsed.form.after) }),
      countDeadLetters(deps.pool, parsed.filter),
      listReplayRuns(deps.pool, 5),
    ]);
    const body = deadLettersBody({ form: parsed.form, page, total, runs, canAct: canAct(req), defaultRate: deps.defaultReplayRate });
    render(req, res, "dead-letters", "Dead letters", body);
  });

  router.get("/dead-letters/:id", async (req: Request<{ id: string }>, res) => {
    const payment = UUID.test(req.params.id) ? await findPayment(deps.pool, req.params.id) : null;
    if (!payment) {
      render(req, res, "dead-letters", "Dead letter", `<p>No payment <code>${escapeHtml(req.params.id)}</code>.</p>`, 404);
      return;
    }
    const letter = await loadDeadLetter(deps.pool, payment.id);
    render(req, res, "dead-letters", `Dead letter ${payment.id}`, deadLetterBody(payment, letter, canAct(req)));
  });

  router.get("/breakers", async (req, res) => {
    render(req, res, "breakers", "Breakers", breakersBody(await breakerViews(deps.breakers), canAct(req)));
  });

  router.get("/audit", async (req, res) => {
    const before = Number(req.query.before) || undefined;
    const records = await listAudit(deps.pool, { limit: PAGE_SIZE, before });
    const next = records.length === PAGE_SIZE ? (records.at(-1)?.id ?? null) : null;
    render(req, res, "audit", "Audit", auditBody(records, next));
  });

  return router;
}
