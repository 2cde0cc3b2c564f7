export { createBankSim, type BankSimOptions } from "./app.ts";
export { bankSimEnvSchema, loadBankSimEnv, type BankSimEnv } from "./env.ts";
export type { Faults, FaultsUpdate } from "./faults.ts";
export { startBankSim, type RunningBankSim } from "./start.ts";
