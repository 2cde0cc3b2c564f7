import type { RequestHandler } from "express";
import { apiError } from "@payq/runtime";

/** Refuses a body that is not declared as JSON, before anything reads it. */
export const requireJson: RequestHandler = (req, res, next) => {
  if (req.is("application/json")) return next();
  res.status(415).json(apiError("unsupported_media_type", "Content-Type must be application/json"));
};
