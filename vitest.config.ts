import { configDefaults, defineConfig } from "vitest/config";

/**
 * Tests that run several worker processes against a timed fault. Two of them at once on this 2-core
 * machine measure the machine, not payq, so they run one at a time, after everything else.
 */
const FLEET_TESTS = ["test/breaker-fleet.int.test.ts", "test/breaker-outage.int.test.ts", "test/crash.int.test.ts"];
/** The chaos matrix runs whole stacks of its own, one scenario at a time, after the fleet tests. */
const CHAOS_TESTS = ["test/chaos.int.test.ts"];
/** A fresh copy of the repository, installed, started and tested in a network namespace of its own: last. */
const FRESH_CLONE_TESTS = ["test/fresh-clone.int.test.ts"];

export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["apps/*/src/**/*.test.ts", "packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...FLEET_TESTS, ...CHAOS_TESTS, ...FRESH_CLONE_TESTS],
          // Integration tests run real servers and child processes; two at a time suit this machine.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "fleet", include: FLEET_TESTS, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: "chaos", include: CHAOS_TESTS, fileParallelism: false, sequence: { groupOrder: 2 } },
      },
      {
        extends: true,
        test: { name: "fresh-clone", include: FRESH_CLONE_TESTS, fileParallelism: false, sequence: { groupOrder: 3 } },
      },
    ],
  },
});
