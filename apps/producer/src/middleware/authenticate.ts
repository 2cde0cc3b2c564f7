import type { RequestHandler } from "express";
import { apiError, isWellFormedApiKey } from "@payq/runtime";
import type { ApiKeyring } from "../api-keys.ts";

/** Who is calling: set on `res.locals` by `authenticate` for every route after it. */
export interface MerchantLocals {
  merchantId: string;
}

/** Bearer API key authentication. Every failure looks the same, so a probe learns nothing. */
export function authenticate(keys: ApiKeyring): RequestHandler<unknown, unknown, unknown, unknown, MerchantLocals> {
  return (req, res, next) => {
    const key = /^Bearer (\S+)$/.exec(req.get("authorization") ?? "")?.[1];
    const merchantId = key && isWellFormedApiKey(key) ? keys.merchantFor(key) : null;
    if (!merchantId) {
      res.set("WWW-Authenticate", 'Bearer realm="payq"');
      res.status(401).json(apiError("unauthorized", "a valid API key is required: Authorization: Bearer <key>"));
      return;
    }
    res.locals.merchantId = merchantId;
    next();
  };
}
