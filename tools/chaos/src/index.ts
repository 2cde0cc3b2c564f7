// The chaos harness's report types, for the test that runs it.
export type { Verdict, Violation } from "./checker.ts";
export type { ScenarioResult } from "./run.ts";
