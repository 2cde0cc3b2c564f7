import { SystemStack, SYSTEM_MERCHANT, type SystemSettings } from "@payq/testing";

export const CHAOS_MERCHANT = SYSTEM_MERCHANT;

/**
 * Short timings, so a run sees minutes of behaviour in seconds, in the proportions production keeps:
 * a bank call ends well inside half a job lock and half the sweeper's staleness window.
 */
export const CHAOS_ENV: Readonly<Record<string, string>> = {
  RETRY_BASE_DELAY_MS: "100",
  RETRY_MAX_DELAY_MS: "2000",
  RETRY_MAX_ATTEMPTS: "8",
  BANK_TIMEOUT_MS: "2000",
  LOCK_DURATION_MS: "5000",
  STALLED_INTERVAL_MS: "2000",
  SWEEP_INTERVAL_MS: "1000",
  SWEEP_STALE_AFTER_MS: "6000",
  BREAKER_OPEN_MS: "2000",
  BREAKER_MAX_OPEN_MS: "8000",
  WORKER_CONCURRENCY: "20",
  NOTIFY_MAX_ATTEMPTS: "20",
  LOG_LEVEL: "warn",
};

export type ChaosStack = SystemStack;

/** A system stack for one scenario: chaos timings, and a proxy per worker so a partition can cut one off. */
export function startChaosStack(settings: Omit<SystemSettings, "proxies">): Promise<ChaosStack> {
  return SystemStack.start({ ...settings, env: { ...CHAOS_ENV, ...settings.env }, proxies: true });
}
