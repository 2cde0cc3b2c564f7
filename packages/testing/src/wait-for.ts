/** Polls `check` until it returns true, or fails with `message` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(options.message ?? "condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
