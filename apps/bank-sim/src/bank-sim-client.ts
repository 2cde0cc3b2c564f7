import type { FaultsUpdate } from "./faults.ts";
import type { StatementEntry } from "@payq/shared";
import type { LoggedRequest } from "./request-log.ts";

export interface BankStats {
  requests: number;
  /** Requests under a key the bank had not seen: first attempts. */
  firstRequests: number;
  /** Requests under a key it had seen: retries and duplicates. */
  repeatRequests: number;
  captures: number;
  declines: number;
  capturedAmount: Record<string, number>;
  duplicatesPrevented: number;
  referencesCapturedMoreThanOnce: number;
  faultsInjected: Record<string, number>;
  webhooks: { received: number; verified: number };
}

export interface Delivery {
  path: string;
  signature: string | null;
  body: string;
  verified: boolean | null;
}

/** A client of the bank simulator's control and reporting API, for tests, the demo and chaos runs. */
export class BankApi {
  constructor(readonly baseUrl: string) {}

  async setFaults(update: FaultsUpdate): Promise<void> {
    const response = await fetch(`${this.baseUrl}/v1/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(update),
    });
    if (!response.ok) throw new Error(`bank-sim refused faults: ${await response.text()}`);
  }

  /** No faults at all: the bank has healed. */
  async heal(): Promise<void> {
    await this.setFaults({
      failureRate: 0,
      ambiguousRate: 0,
      timeoutRate: 0,
      rateLimitRate: 0,
      latencyMs: 0,
      latencyJitterMs: 0,
      outage: null,
      webhookFailureRate: 0,
    });
  }

  async stats(): Promise<BankStats> {
    return (await (await fetch(`${this.baseUrl}/v1/stats`)).json()) as BankStats;
  }

  /** Charge requests as they arrived at the bank, between two of its clock readings. */
  async requests(from = 0, until?: number): Promise<LoggedRequest[]> {
    const query = `from=${from}${until === undefined ? "" : `&until=${until}`}`;
    return ((await (await fetch(`${this.baseUrl}/v1/requests?${query}`)).json()) as { requests: LoggedRequest[] }).requests;
  }

  async statement(): Promise<StatementEntry[]> {
    return ((await (await fetch(`${this.baseUrl}/v1/statement`)).json()) as { captures: StatementEntry[] }).captures;
  }

  async deliveries(): Promise<Delivery[]> {
    return ((await (await fetch(`${this.baseUrl}/v1/webhooks`)).json()) as { deliveries: Delivery[] }).deliveries;
  }
}
