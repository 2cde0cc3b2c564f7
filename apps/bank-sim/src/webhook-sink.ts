import { SIGNATURE_HEADER, verifyWebhook } from "@payq/shared";

export interface Delivery {
  path: string;
  receivedAt: string;
  signature: string | null;
  body: string;
  /** Checked against the shared webhook secret; null when the simulator was given none. */
  verified: boolean | null;
}

/** A merchant's webhook endpoint: records every signed delivery payq makes. */
export class WebhookSink {
  private readonly deliveries: Delivery[] = [];

  constructor(private readonly secret: string | undefined) {}

  record(path: string, headers: Record<string, string | string[] | undefined>, body: string): Delivery {
    const header = headers[SIGNATURE_HEADER];
    const signature = typeof header === "string" ? header : null;
    const delivery: Delivery = {
      path,
      receivedAt: new Date().toISOString(),
      signature,
      body,
      verified: this.secret ? verifyWebhook(this.secret, body, signature ?? undefined).valid : null,
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  list(): readonly Delivery[] {
    return this.deliveries;
  }

  totals() {
    return {
      received: this.deliveries.length,
      verified: this.deliveries.filter((d) => d.verified === true).length,
    };
  }
}
