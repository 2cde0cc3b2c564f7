export { createProducerApp, type ProducerDeps } from "./app.ts";
export { DEV_API_KEYS, loadProducerEnv, producerEnvSchema, type ProducerEnv } from "./env.ts";
export { startProducer } from "./start.ts";
