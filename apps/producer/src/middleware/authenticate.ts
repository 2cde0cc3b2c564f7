import type { RequestHandler } from "express";
import { apiError } from "@payq/runtime";
import type { ApiKeyring } from "../api-keys.ts";

/** Who is calling: set on `res.locals` by `authenticate` for every route after it. */
export interface MerchantLocals {
  merchantId: string;
}

/** Bearer API key authentication. Every failure looks the same, so a probe learns nothing. */
export function authenticate(keys: ApiKeyring): RequestHandler<unknown, unknown, unknown, unknown, MerchantLocals> {
  return (req, res, next) => {
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(req.get("authorization") ?? "");
    const merchantId = match?.[1] ? keys.merchantFor(match[1]) : null;
    if (!merchantId) {
      res.set("WWW-Authenticate", 'Bearer realm="payq"');
      res.status(401).json(apiError("unauthorized", "a valid API key is required: Authorization: Bearer <key>"));
      return;
    }
    res.locals.merchantId = merchantId;
    next();
  };
}
