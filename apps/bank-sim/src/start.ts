import { boundPort, closeServer, errorHandler, listen, notFound, type Logger, type RunningApp } from "@payq/runtime";
import { createBankSim } from "./app.ts";
import type { BankSimEnv } from "./env.ts";

export interface RunningBankSim extends RunningApp {
  sim: ReturnType<typeof createBankSim>;
}

/** Serves the simulated bank, with the faults its environment asks for, until stopped. */
export async function startBankSim(env: BankSimEnv, logger: Logger): Promise<RunningBankSim> {
  const sim = createBankSim({
    logger,
    webhookSecret: env.PAYQ_WEBHOOK_SECRET,
    faults: {
      failureRate: env.BANK_FAILURE_RATE,
      ambiguousRate: env.BANK_AMBIGUOUS_RATE,
      timeoutRate: env.BANK_TIMEOUT_RATE,
      rateLimitRate: env.BANK_RATE_LIMIT_RATE,
      webhookFailureRate: env.BANK_WEBHOOK_FAILURE_RATE,
      latencyMs: env.BANK_LATENCY_MS,
      latencyJitterMs: env.BANK_LATENCY_JITTER_MS,
    },
  });
  sim.app.use(notFound, errorHandler(logger));
  const server = await listen(sim.app, env.BANK_SIM_PORT, env.HOST);
  return { port: boundPort(server), sim, stop: () => closeServer(server) };
}
