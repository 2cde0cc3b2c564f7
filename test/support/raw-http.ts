import { Client } from "undici";

/** A request exactly as a hostile client writes it: the path is not normalised and the body is bytes. */
export interface RawRequest {
  method: string;
  /** Sent as written: `..` segments, bad percent-encoding and all (any bytes 0x21-0xff). */
  path: string;
  /** An array value sends the header once per element. */
  headers: Record<string, string | string[]>;
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * HTTP/1.1 to one server with nothing in between: `fetch` would resolve `..`, re-encode the path and
 * refuse some headers, which is exactly what these tests need to send.
 */
export class RawHttp {
  private readonly client: Client;

  constructor(origin: string) {
    this.client = new Client(origin, { pipelining: 1 });
  }

  async send(request: RawRequest): Promise<RawResponse> {
    const response = await this.client.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body ?? null,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, json: parseJson(text) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `code` of an API error body, if the body is one. */
export function errorCode(json: unknown): string | undefined {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === "string" ? code : undefined;
}
