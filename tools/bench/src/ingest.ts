import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { SYSTEM_MERCHANT, type SystemStack } from "@payq/testing";

/** autocannon against POST /v1/payments, every request with a key of its own. */
export async function ingestLoad(stack: SystemStack, options: { connections: number; durationS: number }) {
  const prefix = randomUUID();
  let n = 0;
  const result = await autocannon({
    url: `${stack.producerUrl}/v1/payments`,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => ({
          ...request,
          headers: {
            authorization: `Bearer ${SYSTEM_MERCHANT.key}`,
            "idempotency-key": `ingest-${prefix}-${(n += 1)}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ amount: 1000 + (n % 9000), currency: "USD", source: "tok_visa" }),
        }),
      },
    ],
  });
  return {
    acceptedPerSecond: Math.round(result["2xx"] / options.durationS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
