export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `send(i)` for i < count, at `rate` per second if given, with at most `inFlight` outstanding.
 * Waits on a counter, not `Promise.race` over the outstanding calls: a race adds a reaction to every one
 * of them each time, which with thousands outstanding grows memory quadratically.
 */
export async function drive(count: number, options: { inFlight: number; rate?: number }, send: (i: number) => Promise<unknown>): Promise<void> {
  const startedAt = Date.now();
  let outstanding = 0;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const slotFreed = () => new Promise<void>((resolve) => (wake = resolve));
  for (let i = 0; i < count && !failure; i += 1) {
    if (options.rate) {
      const due = startedAt + (i * 1000) / options.rate;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    while (outstanding >= options.inFlight) await slotFreed();
    outstanding += 1;
    void send(i)
      .catch((error: unknown) => (failure ??= { error }))
      .finally(() => {
        outstanding -= 1;
        wake?.();
        wake = null;
      });
  }
  while (outstanding > 0) await slotFreed();
  if (failure) throw (failure as { error: unknown }).error;
}
