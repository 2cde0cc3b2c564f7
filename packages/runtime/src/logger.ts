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

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** A JSON logger with redaction. An unknown level falls back to info; the env check reports it properly. */
export function createLogger(options: { name: string; level?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level && LEVELS.has(options.level) ? options.level : "info",
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { app: options.name },
  });
}

/**
 * A request as logged: its method and path, and only the names of its query parameters. A client may
 * put a key or a card number in a query string by mistake, and a log must not keep it.
 */
export function requestForLog(req: { method?: string; url?: string }): { method: string; url: string } {
  const [path = "", query = ""] = (req.url ?? "").split(/\?(.*)/s);
  const names = [...new URLSearchParams(query).keys()].map((name) => `${name}=[redacted]`);
  return { method: req.method ?? "", url: names.length ? `${path}?${names.join("&")}` : path };
}

/** A URL safe to log: the password, if any, is masked. */
export function maskUrl(url: string): string {
  if (url.includes("+cluster://")) {
    // A cluster URL names several hosts, which no URL parser takes: mask its userinfo by hand.
    const parts = /^([a-z+]+:\/\/)(?:([^:@/]*):)?[^@/]*@(.*)$/.exec(url);
    return parts ? `${parts[1]}${parts[2] ?? ""}:****@${parts[3]}` : url;
  }
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
