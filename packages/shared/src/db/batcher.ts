export interface BatcherOptions {
  /** Items per batch, at most. */
  maxBatch: number;
  /** Batches out at once, at most; calls made meanwhile wait for the next one. */
  maxInFlight: number;
}

interface Pending<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent calls into batches, the way a database does group commit: calls that arrive while
 * `maxInFlight` batches are out queue up and go together in the next one. Nothing waits on a timer, so an
 * idle batcher sends a lone call at once, and batches grow only as load does.
 *
 * A batch that fails is split into single calls, so one bad item cannot fail its neighbours: each call
 * ends with its own result or its own error.
 */
export class Batcher<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** One output per input, in the same order. */
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        // Calls made in the same tick go together, even when nothing is in flight.
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.flush();
      });
    }
  }

  private async send(batch: Pending<I, O>[]): Promise<void> {
    let outputs: O[];
    try {
      outputs = await this.run(batch.map((item) => item.input));
      if (outputs.length !== batch.length) throw new Error(`batch of ${batch.length} returned ${outputs.length} results`);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((item) => this.send([item])));
      return;
    }
    batch.forEach((item, i) => item.resolve(outputs[i]!));
  }
}
