import { Router } from "express";
import type { CreatePaymentLimits } from "@payq/shared";
import { docsPage } from "../docs-page.ts";
import { producerOpenApi } from "../openapi.ts";

/** `/openapi.json` and `/docs`: public, like `/healthz`, since they describe only what any caller may try. */
export function apiDescriptionRoutes(limits: CreatePaymentLimits): Router {
  const doc = producerOpenApi(limits);
  const page = docsPage(doc);
  const router = Router();
  router.get("/openapi.json", (_req, res) => {
    res.json(doc);
  });
  router.get("/docs", (_req, res) => {
    // Nothing on the page runs or loads: it is text, tables and one inline stylesheet.
    res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'").type("html").send(page);
  });
  return router;
}
