import type { Logger } from "@payq/runtime";
import type { FleetBreakers, PayqQueues, Pool } from "@payq/shared";
import type { AlertThresholds } from "./overview.ts";
import type { Replays } from "./replays.ts";

/** What the console's pages and API work with. */
export interface ConsoleDeps {
  pool: Pool;
  queues: PayqQueues;
  breakers: FleetBreakers;
  replays: Replays;
  logger: Logger;
  thresholds: AlertThresholds;
  /** The replay rate the page offers, per second. */
  defaultReplayRate: number;
}
