/**
 * How far apart in time two records of a stream-stream join may be, as Kafka Streams' JoinWindows:
 * a record at `t` joins the other stream's records in `[t - before, t + after]`. Left and outer
 * joins emit a record without a partner once its window closes (stream time past its end plus
 * grace), never early (Kafka Streams 3.1+ semantics).
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {}

  /** Records at most `timeDifferenceMs` apart join; a record later than its window's end is dropped. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Records at most `timeDifferenceMs` apart join; records up to `graceMs` late still join. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    check('the time difference', timeDifferenceMs);
    check('the grace period', graceMs);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs);
  }

  /** Only records at most `timeDifferenceMs` earlier in the other stream join (and those `after` later). */
  before(timeDifferenceMs: number): JoinWindows {
    check('before', timeDifferenceMs);
    return new JoinWindows(timeDifferenceMs, this.afterMs, this.graceMs);
  }

  /** Only records at most `timeDifferenceMs` later in the other stream join (and those `before` earlier). */
  after(timeDifferenceMs: number): JoinWindows {
    check('after', timeDifferenceMs);
    return new JoinWindows(this.beforeMs, timeDifferenceMs, this.graceMs);
  }

  /** The window's length: before + after. */
  get sizeMs(): number {
    return this.beforeMs + this.afterMs;
  }
}

function check(what: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new Error(`JoinWindows: ${what} must be a whole number of ms >= 0, got ${ms}`);
}
