import { z } from "zod";

const rate = z.number().min(0).max(1);
const ms = z.number().int().min(0).max(600_000);

/** Faults the simulator injects into charges. Every rate is a probability per request, 0..1. */
export const faultsSchema = z.strictObject({
  /** 500 before anything happens: nothing is captured. */
  failureRate: rate,
  /** Captured, then the answer is lost: a 500 or a dropped connection. */
  ambiguousRate: rate,
  /** Added to every charge, plus up to `latencyJitterMs` more. */
  latencyMs: ms,
  latencyJitterMs: ms,
  /** Captured, but the answer is held `timeoutMs`: past the client's timeout. */
  timeoutRate: rate,
  timeoutMs: ms,
  /** 429 with `Retry-After: retryAfterS`, before anything happens. */
  rateLimitRate: rate,
  retryAfterS: z.number().int().min(0).max(3_600),
  /** Inside the window every charge gets 503. */
  outage: z.object({ from: z.iso.datetime(), until: z.iso.datetime() }).nullable(),
  /** The webhook sink answers 500 to this share of deliveries. */
  webhookFailureRate: rate,
});

export type Faults = z.infer<typeof faultsSchema>;

export const NO_FAULTS: Faults = {
  failureRate: 0,
  ambiguousRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  rateLimitRate: 0,
  retryAfterS: 1,
  outage: null,
  webhookFailureRate: 0,
};

/** A partial update; `outageForMs` is shorthand for an outage starting now. */
export const faultsUpdateSchema = faultsSchema
  .partial()
  .extend({ outageForMs: z.number().int().min(0).max(3_600_000).optional() });

export type FaultsUpdate = z.infer<typeof faultsUpdateSchema>;

export function applyFaultsUpdate(current: Faults, update: FaultsUpdate, now = Date.now()): Faults {
  const { outageForMs, ...rest } = update;
  const next = { ...current, ...rest };
  if (outageForMs !== undefined) {
    next.outage = { from: new Date(now).toISOString(), until: new Date(now + outageForMs).toISOString() };
  }
  return next;
}

export function inOutage(faults: Faults, now = Date.now()): boolean {
  if (!faults.outage) return false;
  return now >= Date.parse(faults.outage.from) && now < Date.parse(faults.outage.until);
}
