import { randomUUID } from "node:crypto";

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface PaymentBody {
  amount: number;
  currency: string;
  source: string;
  description?: string;
  callbackUrl?: string;
  metadata?: Record<string, string>;
}

/** A merchant's view of the producer API, over real HTTP. */
export class PaymentsApi {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async create(body: unknown, idempotencyKey: string = randomUUID()): Promise<ApiResponse> {
    return this.send("POST", "/v1/payments", {
      headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify(body),
    });
  }

  async get(id: string): Promise<ApiResponse> {
    return this.send("GET", `/v1/payments/${id}`);
  }

  async list(query = ""): Promise<ApiResponse> {
    return this.send("GET", `/v1/payments${query}`);
  }

  /** Anything at all, for hostile-input tests: the caller sets every header. */
  async raw(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<ApiResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers: init.headers, body: init.body });
    return { status: response.status, headers: response.headers, body: await parse(response) };
  }

  private async send(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    return this.raw(method, path, { ...init, headers: { authorization: `Bearer ${this.apiKey}`, ...init.headers } });
  }
}

async function parse(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { unparsed: text };
  }
}

/** A valid payment body, varied by `n` so no two are the same request. */
export function paymentBody(n: number, extra: Partial<PaymentBody> = {}): PaymentBody {
  return { amount: 1_000 + n, currency: "USD", source: "tok_visa", description: `order ${n}`, ...extra };
}
