/** The apps `payq start` runs, in whichever layout. */
export const APPS = ["bank-sim", "producer", "worker", "dashboard"] as const;
export type App = (typeof APPS)[number];

export interface RunningSystem {
  /** Resolves if an app stops on its own (it crashed): the caller stops the rest. */
  readonly failed: Promise<string>;
  /** Stops every app, letting in-flight work finish. */
  stop(): Promise<void>;
}

/** How long the apps get to finish what they hold before they are stopped anyway. */
export const STOP_TIMEOUT_MS = 30_000;
