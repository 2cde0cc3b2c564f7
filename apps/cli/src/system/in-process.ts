import { loadBankSimEnv, startBankSim } from "@payq/bank-sim";
import { loadDashboardEnv, startDashboard } from "@payq/dashboard";
import { loadProducerEnv, startProducer } from "@payq/producer";
import { createLogger, type RunningApp } from "@payq/runtime";
import { loadWorkerEnv, startWorker } from "@payq/worker";
import { APPS, STOP_TIMEOUT_MS, type App, type RunningSystem } from "./running-system.ts";

const STARTERS: Record<App, (env: NodeJS.ProcessEnv) => Promise<RunningApp>> = {
  "bank-sim": (env) => startBankSim(loadBankSimEnv(env), logger("bank-sim", env)),
  producer: (env) => startProducer(loadProducerEnv(env), logger("producer", env)),
  worker: (env) => startWorker(loadWorkerEnv(env), logger("worker", env)),
  dashboard: (env) => startDashboard(loadDashboardEnv(env), logger("dashboard", env)),
};

const logger = (name: App, env: NodeJS.ProcessEnv) => createLogger({ name, level: env.LOG_LEVEL });

/**
 * Every app in this one process: for the embedded PostgreSQL, which only one process may open. The
 * apps are the same `start` functions the separate processes run; they share the embedded database's
 * single connection, taking turns. An app that fails to start stops the ones started before it.
 */
export async function startInProcess(env: NodeJS.ProcessEnv): Promise<RunningSystem> {
  const started: RunningApp[] = [];
  // Last started, first stopped: the worker finishes its charges while bank-sim still answers.
  const stop = async () => {
    const inOrder = (async () => {
      for (const app of started.splice(0).reverse()) await app.stop();
    })();
    await Promise.race([inOrder, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref())]);
  };
  try {
    for (const app of APPS) started.push(await STARTERS[app](env));
  } catch (error) {
    await stop();
    throw error;
  }
  // One process: an app cannot stop on its own without taking this process with it.
  return { failed: new Promise<string>(() => undefined), stop };
}
