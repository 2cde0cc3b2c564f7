import type { RequestHandler } from "express";
import { apiError } from "@payq/runtime";

/** Every page and API behind login: pages redirect to the form, API calls get 401. */
export const requireLogin: RequestHandler = (req, res, next) => {
  if (req.session.user) return next();
  if (req.path.startsWith("/api/") || req.originalUrl.startsWith("/queues/api/")) {
    res.status(401).json(apiError("unauthorized", "sign in first"));
    return;
  }
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};
