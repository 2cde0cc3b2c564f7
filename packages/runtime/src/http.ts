import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import type { ErrorRequestHandler, Express, RequestHandler } from "express";
import type { Logger } from "pino";
import { z } from "zod";

/** An API error body: a stable machine-readable code, a sentence for humans, optional details. */
export const apiErrorSchema = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export type ApiError = z.infer<typeof apiErrorSchema>;

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
    const clientStatus = clientErrorStatus(error);
    if (clientStatus) return res.status(clientStatus).json(apiError("invalid_request", "request could not be read"));
    logger.error({ err: error, method: req.method, path: req.path }, "request failed");
    return res.status(500).json(apiError("internal_error", "something went wrong on our side; it is safe to retry"));
  };
}

/**
 * The 4xx an error says the client caused (the http-errors convention Express and body-parser follow):
 * a body that does not decompress, a path that is not valid percent-encoding. Anything else is ours.
 */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status <= 499 ? status : undefined;
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(apiError("not_found", `no route for ${req.method} ${req.path}`));
};

/** Listens and resolves once bound, with a readable error for the common failures. */
export async function listen(app: Express, port: number, host = "127.0.0.1"): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.on("clientError", answerClientError);
    server.once("listening", () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new Error(`port ${port} on ${host} is already in use`));
      else reject(error);
    });
  });
}

/** What Node's HTTP parser refuses before any app code runs, by its error code; anything else is a 400. */
const PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: "headers_too_large", message: "request headers are too large" },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: "payload_too_large", message: "chunk extensions are too large" },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: "request_timeout", message: "request took too long to arrive" },
};

/**
 * Node answers a request it cannot parse (headers over its size limit, bytes a request line may not
 * hold) with a bare status line; this answers it like every other error, with JSON and a code.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code, message } = PARSER_ERRORS[error.code ?? ""] ?? { status: 400, code: "invalid_request", message: "request could not be read" };
  const body = JSON.stringify(apiError(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
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
