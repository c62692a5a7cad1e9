/**
 * Windows that slide with the records, as Kafka Streams' SlidingWindows (KIP-450): every window
 * `[start, start + timeDifference]` (both ends inclusive) that holds a distinct set of records, and no
 * empty one. Two records fall into a common window when at most the time difference apart. A record
 * whose windows ended more than the grace period before stream time is dropped.
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    if (!Number.isSafeInteger(timeDifferenceMs) || timeDifferenceMs <= 0)
      throw new Error(
        `SlidingWindows: the time difference must be a positive whole number of ms, got ${timeDifferenceMs}`,
      );
    if (!Number.isSafeInteger(graceMs) || graceMs < 0)
      throw new Error(`SlidingWindows: the grace period must be a whole number of ms >= 0, got ${graceMs}`);
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }
}
