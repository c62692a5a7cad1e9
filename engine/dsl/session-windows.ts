/**
 * Sessions of activity per key, as Kafka Streams' SessionWindows: records of a key at most the
 * inactivity gap apart fall into one session `[first, last]` (both inclusive); a record that
 * bridges two sessions merges them. A record whose session ended more than the grace period (plus
 * the gap) before stream time is dropped.
 */
export class SessionWindows {
  private constructor(
    readonly gapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(gapMs, 0);
  }

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    if (!Number.isSafeInteger(gapMs) || gapMs <= 0)
      throw new Error(
        `SessionWindows: the inactivity gap must be a positive whole number of ms, got ${gapMs}`,
      );
    if (!Number.isSafeInteger(graceMs) || graceMs < 0)
      throw new Error(`SessionWindows: the grace period must be a whole number of ms >= 0, got ${graceMs}`);
    return new SessionWindows(gapMs, graceMs);
  }
}
