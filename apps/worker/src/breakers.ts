import type { RedisClient } from "@payq/shared";
import type { Logger } from "@payq/runtime";
import { FleetBreakers, type BreakerKind, type MachineOptions, type StoreFailureMode } from "@payq/shared";
import type { WorkerMetrics } from "./metrics.ts";

const STATE_VALUE: Record<BreakerKind, number> = { closed: 0, half_open: 1, open: 2, forced_open: 3, forced_closed: 4 };

/**
 * This worker's handle on the fleet's breakers, wired to its logs and metrics. A transition is logged
 * by the one process whose call made it, so the fleet logs each transition once.
 */
export function createBreakers(
  redis: RedisClient,
  prefix: string,
  options: MachineOptions & { storeFailureMode: StoreFailureMode },
  logger: Logger,
  metrics: WorkerMetrics,
): FleetBreakers {
  let storeDown = false;
  return new FleetBreakers(redis, prefix, options, {
    onTransition(name, transition) {
      metrics.breakerTransitions.inc({ breaker: name, from: transition.from, to: transition.to });
      const level = transition.to === "open" || transition.to === "forced_open" ? "warn" : "info";
      logger[level]({ breaker: name, ...transition }, `breaker ${name}: ${transition.from} → ${transition.to}`);
    },
    onState(name, state, tokens) {
      storeDown = false;
      metrics.breakerState.set({ breaker: name }, STATE_VALUE[state.kind]);
      if (tokens !== null) metrics.budgetTokens.set({ breaker: name }, tokens);
    },
    onStoreError(name, error) {
      metrics.breakerStoreErrors.inc();
      if (!storeDown) {
        logger.warn(
          { breaker: name, err: { message: error.message }, failureMode: options.storeFailureMode },
          `breaker store unreachable; failing ${options.storeFailureMode}`,
        );
      }
      storeDown = true;
    },
  });
}
