/** Enough for any test or chaos run; older entries fall off the front. */
const MAX_ENTRIES = 200_000;

export interface LoggedRequest {
  at: number;
  idempotencyKey: string | null;
  /** The key was seen before: a retry (or a duplicate) of an earlier charge. */
  repeat: boolean;
}

/**
 * Every charge request as it arrived, before any fault: the bank's own record of how hard payq hit it,
 * independent of anything payq reports about itself.
 */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];
  private readonly seenKeys = new Set<string>();
  firstRequests = 0;
  repeatRequests = 0;

  add(idempotencyKey: string | undefined, at = Date.now()): void {
    const key = idempotencyKey ?? null;
    const repeat = key !== null && this.seenKeys.has(key);
    if (key !== null) this.seenKeys.add(key);
    if (repeat) this.repeatRequests += 1;
    else this.firstRequests += 1;
    this.entries.push({ at, idempotencyKey: key, repeat });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  since(from: number, until = Infinity): LoggedRequest[] {
    return this.entries.filter((entry) => entry.at >= from && entry.at < until);
  }
}
