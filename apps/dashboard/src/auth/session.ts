import { RedisStore } from "connect-redis";
import session from "express-session";
import type { RedisClient } from "@payq/shared";
import type { User } from "./users.ts";

declare module "express-session" {
  interface SessionData {
    user?: User;
  }
}

const EIGHT_HOURS_MS = 8 * 3_600_000;

/** Sessions live in Redis, so any dashboard instance can serve any operator, and logout is real. */
export function sessions(options: { redis: RedisClient; prefix: string; secret: string; secure: boolean }) {
  return session({
    name: "payq.sid",
    store: new RedisStore({ client: options.redis, prefix: `${options.prefix}:session:` }),
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: "strict", secure: options.secure, maxAge: EIGHT_HOURS_MS },
  });
}
