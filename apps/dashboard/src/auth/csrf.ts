import { randomBytes, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { apiError } from "@payq/runtime";

declare module "express-session" {
  interface SessionData {
    csrfToken?: string;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const newCsrfToken = () => randomBytes(32).toString("base64url");

function matches(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Synchronizer-token CSRF defence: every state-changing request must carry the session's token, in the
 * `X-CSRF-Token` header (console scripts) or a `_csrf` form field. The token is minted at login.
 */
export const requireCsrfToken: RequestHandler = (req, res, next) => {
  if (!UNSAFE.has(req.method)) return next();
  const given: unknown = req.get("x-csrf-token") ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
  if (matches(req.session.csrfToken, given)) return next();
  res.status(403).json(apiError("csrf_failed", "missing or wrong CSRF token; reload the page and try again"));
};

/**
 * A second, cheap line: a state-changing request that names its origin must come from this dashboard.
 * Browsers send Origin on every cross-site POST, so a forged form on another site stops here.
 */
export const requireSameOrigin: RequestHandler = (req, res, next) => {
  const origin = req.get("origin");
  if (!UNSAFE.has(req.method) || !origin) return next();
  const host = req.get("host");
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return next();
  res.status(403).json(apiError("cross_origin", "requests must come from the dashboard itself"));
};
