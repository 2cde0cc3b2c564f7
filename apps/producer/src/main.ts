import { createLogger, DEV_API_KEY, exitOnStartupError, stopOnSignals } from "@payq/runtime";
import { DEV_API_KEYS, loadProducerEnv } from "./env.ts";
import { startProducer } from "./start.ts";

const logger = createLogger({ name: "producer", level: process.env.LOG_LEVEL });

try {
  const env = loadProducerEnv();
  const producer = await startProducer(env, logger);
  logger.info({ port: producer.port, host: env.HOST }, "producer listening");
  if (env.PAYQ_API_KEYS === DEV_API_KEYS) {
    logger.warn(
      { merchantId: DEV_API_KEY.merchantId, demoKey: DEV_API_KEY.key },
      "using the development API key; set PAYQ_API_KEYS in production",
    );
  }
  stopOnSignals(logger, producer.stop);
} catch (error) {
  exitOnStartupError(logger, error);
}
