import type { RequestHandler } from "express";
import { apiError } from "@payq/runtime";

/** Keys are printable, URL-safe and bounded, so they can be logged and stored as they are. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,255}$/;

export interface IdempotencyLocals {
  idempotencyKey: string;
}

export const requireIdempotencyKey: RequestHandler<unknown, unknown, unknown, unknown, IdempotencyLocals> = (
  req,
  res,
  next,
) => {
  const key = req.get("idempotency-key");
  if (key === undefined) {
    res
      .status(400)
      .json(apiError("idempotency_key_missing", "the Idempotency-Key header is required; send a unique value per payment"));
    return;
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    res
      .status(400)
      .json(apiError("idempotency_key_invalid", "Idempotency-Key must be 1 to 255 characters of A-Z a-z 0-9 _ . : -"));
    return;
  }
  res.locals.idempotencyKey = key;
  next();
};
