export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `send(i)` for i < count, at `rate` per second if given, with at most `inFlight` outstanding. */
export async function drive(count: number, options: { inFlight: number; rate?: number }, send: (i: number) => Promise<unknown>): Promise<void> {
  const startedAt = Date.now();
  const pending = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i += 1) {
    if (options.rate) {
      const due = startedAt + (i * 1000) / options.rate;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    while (pending.size >= options.inFlight) await Promise.race(pending);
    const task = send(i);
    pending.add(task);
    void task.finally(() => pending.delete(task));
  }
  await Promise.all(pending);
}
