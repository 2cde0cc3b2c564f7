import type { RequestHandler } from "express";
import { apiError } from "@payq/runtime";

/** Every page and API behind login: pages redirect to the form, API calls get 401. */
export const requireLogin: RequestHandler = (req, res, next) => {
  if (req.session.user) return next();
  if (req.originalUrl.startsWith("/api/") || req.originalUrl.startsWith("/queues/api/")) {
    res.status(401).json(apiError("unauthorized", "sign in first"));
    return;
  }
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};

/** Actions are for operators: a viewer gets 403 from the API itself, not just a hidden button. */
export const requireOperator: RequestHandler = (req, res, next) => {
  if (req.session.user?.role === "operator") return next();
  res.status(403).json(apiError("forbidden", "this action needs the operator role"));
};
