import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ErrorRequestHandler, Express, RequestHandler } from "express";
import type { Logger } from "pino";

/** An API error body: a stable machine-readable code, a sentence for humans, optional details. */
export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

export function apiError(code: string, message: string, details?: unknown): ApiError {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** body-parser's error types, mapped to what the client did wrong. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  "entity.too.large": { status: 413, code: "payload_too_large", message: "request body is too large" },
  "entity.parse.failed": { status: 400, code: "invalid_json", message: "request body is not valid JSON" },
  "encoding.unsupported": { status: 415, code: "unsupported_encoding", message: "content encoding is not supported" },
  "charset.unsupported": { status: 415, code: "unsupported_charset", message: "charset must be utf-8" },
  "request.aborted": { status: 400, code: "request_aborted", message: "request was aborted" },
  "request.size.invalid": { status: 400, code: "invalid_content_length", message: "body does not match Content-Length" },
  "stream.encoding.set": { status: 400, code: "invalid_request", message: "request could not be read" },
  "parameters.too.many": { status: 413, code: "payload_too_large", message: "too many parameters" },
};

/** Last middleware: every error becomes JSON. Clients never see a stack, SQL or an internal message. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: unknown }).type;
    const known = typeof type === "string" ? BODY_ERRORS[type] : undefined;
    if (known) return res.status(known.status).json(apiError(known.code, known.message));
    logger.error({ err: error, method: req.method, path: req.path }, "request failed");
    return res.status(500).json(apiError("internal_error", "something went wrong on our side; it is safe to retry"));
  };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(apiError("not_found", `no route for ${req.method} ${req.path}`));
};

/** Listens and resolves once bound, with a readable error for the common failures. */
export async function listen(app: Express, port: number, host = "127.0.0.1"): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once("listening", () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new Error(`port ${port} on ${host} is already in use`));
      else reject(error);
    });
  });
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting, drops idle keep-alive sockets, and gives in-flight requests `graceMs` to finish
 * before their connections are cut.
 */
export async function closeServer(server: Server, graceMs = 5_000): Promise<void> {
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  cut.unref();
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
  clearTimeout(cut);
}

/** A started app: where it listens, and how to stop it cleanly. */
export interface RunningApp {
  port: number;
  stop: () => Promise<void>;
}
