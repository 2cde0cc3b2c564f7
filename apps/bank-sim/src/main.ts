import { createLogger, exitOnStartupError, stopOnSignals } from "@payq/runtime";
import { loadBankSimEnv } from "./env.ts";
import { startBankSim } from "./start.ts";

const logger = createLogger({ name: "bank-sim", level: process.env.LOG_LEVEL });

try {
  const env = loadBankSimEnv();
  const bank = await startBankSim(env, logger);
  logger.info({ port: bank.port, faults: bank.sim.state.faults }, "bank simulator listening");
  stopOnSignals(logger, bank.stop);
} catch (error) {
  exitOnStartupError(logger, error);
}
