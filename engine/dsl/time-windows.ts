/**
 * Fixed-size windows by record time, as Kafka Streams' TimeWindows: tumbling when the advance equals
 * the size, hopping when it is smaller. Window starts are multiples of the advance (aligned to the
 * epoch) and never negative; `[start, start + size)`. A record later than the window's end plus the
 * grace period (by stream time) is dropped.
 */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs` that accept no late record. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that still accept records up to `graceMs` after they end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    if (!Number.isSafeInteger(sizeMs) || sizeMs <= 0)
      throw new Error(`TimeWindows: the size must be a positive whole number of ms, got ${sizeMs}`);
    if (!Number.isSafeInteger(graceMs) || graceMs < 0)
      throw new Error(`TimeWindows: the grace period must be a whole number of ms >= 0, got ${graceMs}`);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Hopping windows: a new window every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    if (!Number.isSafeInteger(advanceMs) || advanceMs <= 0 || advanceMs > this.sizeMs) {
      throw new Error(
        `TimeWindows.advanceBy: the advance must be a whole number of ms in (0, ${this.sizeMs}] (the size), got ${advanceMs}`,
      );
    }
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** The starts of the windows that contain `timestampMs`, oldest first. */
  windowStartsFor(timestampMs: number): number[] {
    const starts: number[] = [];
    const earliest = Math.max(0, timestampMs - this.sizeMs + this.advanceMs);
    for (let start = earliest - (earliest % this.advanceMs); start <= timestampMs; start += this.advanceMs) {
      starts.push(start);
    }
    return starts;
  }
}
