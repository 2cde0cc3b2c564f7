// The chaos harness's report types and checks, for the tests.
export { concurrentCharges, type Verdict, type Violation } from "./checker.ts";
export type { ScenarioResult } from "./run.ts";
