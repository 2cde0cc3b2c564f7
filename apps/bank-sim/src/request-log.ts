/** Enough for any test or chaos run; older entries fall off the front. */
const MAX_ENTRIES = 200_000;

export interface LoggedRequest {
  at: number;
  idempotencyKey: string | null;
  /** The key was seen before: a retry (or a duplicate) of an earlier charge. */
  repeat: boolean;
  /** When the bank answered, or the client gave up and closed the connection; null while still open. */
  endedAt: number | null;
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

  /** Records a request as it arrives; the caller marks it ended with `end`. */
  add(idempotencyKey: string | undefined, at = Date.now()): LoggedRequest {
    const key = idempotencyKey ?? null;
    const repeat = key !== null && this.seenKeys.has(key);
    if (key !== null) this.seenKeys.add(key);
    if (repeat) this.repeatRequests += 1;
    else this.firstRequests += 1;
    const entry: LoggedRequest = { at, idempotencyKey: key, repeat, endedAt: null };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return entry;
  }

  end(entry: LoggedRequest, at = Date.now()): void {
    entry.endedAt ??= at;
  }

  since(from: number, until = Infinity): LoggedRequest[] {
    return this.entries.filter((entry) => entry.at >= from && entry.at < until);
  }
}
