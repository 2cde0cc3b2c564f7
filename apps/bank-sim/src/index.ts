export { createBankSim, type BankSimOptions } from "./app.ts";
export { bankSimEnvSchema, loadBankSimEnv, type BankSimEnv } from "./env.ts";
export type { Faults, FaultsUpdate } from "./faults.ts";
export { startBankSim, type RunningBankSim } from "./start.ts";
export { BankApi, type BankStats, type Delivery } from "./bank-sim-client.ts";
export type { LoggedRequest } from "./request-log.ts";
