export { loadWorkerEnv, workerEnvSchema, type WorkerEnv } from "./env.ts";
export { startWorker, type RunningWorker } from "./start.ts";
export { createWorkerMetrics, type WorkerMetrics } from "./metrics.ts";
export { watchWorkerLiveness, type WatchedWorker } from "./liveness.ts";
export { REAL_PARTS, type WorkerSeams } from "./seams.ts";
export { type OpenPayment } from "./sweeper/open-payments.ts";
export { type SweeperDeps } from "./sweeper/sweeper-deps.ts";
