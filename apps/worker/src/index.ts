export { loadWorkerEnv, workerEnvSchema, type WorkerEnv } from "./env.ts";
export { startWorker, type RunningWorker } from "./start.ts";
