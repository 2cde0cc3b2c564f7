import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Paths pino censors before a line is written. Card data never enters payq (sources are tokens), but
 * credentials pass through headers and config, and a webhook secret must not leak through an error.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.apiKey",
  "*.apiKeys",
  "*.password",
  "*.secret",
  "*.webhookSecret",
  "*.token",
  "*.databaseUrl",
  "*.redisUrl",
];

export function createLogger(options: { name: string; level?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? "info",
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { app: options.name },
  });
}

/** A URL safe to log: the password, if any, is masked. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
