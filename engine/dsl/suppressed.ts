/** What a full suppression buffer does: emit its oldest records early, or stop the instance. */
export type BufferFullStrategy = 'emit-early' | 'shut-down';

/**
 * How much a suppression may hold, as Kafka Streams' BufferConfig: records and bytes (serialized
 * keys and values), and what happens when it is full. `unbounded()` never fills (and so never emits
 * early, as `untilWindowCloses` requires).
 */
export class BufferConfig<S extends BufferFullStrategy = BufferFullStrategy> {
  private constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly fullStrategy: S,
    readonly loggingEnabled: boolean,
  ) {}

  static unbounded(): BufferConfig<'shut-down'> {
    return new BufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 'shut-down', true);
  }

  /** At most `n` records; when full, the oldest are emitted early (`.shutDownWhenFull()` to stop instead). */
  static maxRecords(n: number): BufferConfig<'emit-early'> {
    return new BufferConfig(limit('maxRecords', n), Number.POSITIVE_INFINITY, 'emit-early', true);
  }

  /** At most `n` bytes; when full, the oldest records are emitted early. */
  static maxBytes(n: number): BufferConfig<'emit-early'> {
    return new BufferConfig(Number.POSITIVE_INFINITY, limit('maxBytes', n), 'emit-early', true);
  }

  withMaxRecords(n: number): BufferConfig<S> {
    return new BufferConfig(limit('maxRecords', n), this.maxBytes, this.fullStrategy, this.loggingEnabled);
  }

  withMaxBytes(n: number): BufferConfig<S> {
    return new BufferConfig(this.maxRecords, limit('maxBytes', n), this.fullStrategy, this.loggingEnabled);
  }

  emitEarlyWhenFull(): BufferConfig<'emit-early'> {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'emit-early', this.loggingEnabled);
  }

  /** A full buffer stops the instance with an error (a BufferFullError): results are never emitted early. */
  shutDownWhenFull(): BufferConfig<'shut-down'> {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'shut-down', this.loggingEnabled);
  }

  /** No changelog: after a crash the buffered records are lost (they are re-emitted from nothing). */
  withLoggingDisabled(): BufferConfig<S> {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.fullStrategy, false);
  }
}

function limit(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`BufferConfig.${what}: must be a whole number >= 1, got ${n}`);
  return n;
}

/**
 * KTable.suppress's policy, as Kafka Streams' Suppressed: `untilWindowCloses` holds a windowed
 * table's updates until the window closes (window end + grace ≤ stream time) and emits one final
 * result per window; `untilTimeLimit` holds each key's updates for `timeLimitMs` of stream time after
 * its first buffered update and emits the latest.
 */
export class Suppressed {
  private constructor(
    /** @internal */ readonly kind: 'window-close' | 'time-limit',
    readonly timeLimitMs: number,
    readonly bufferConfig: BufferConfig,
    readonly name: string | undefined,
  ) {}

  static untilWindowCloses(bufferConfig: BufferConfig<'shut-down'>): Suppressed {
    return new Suppressed('window-close', 0, bufferConfig, undefined);
  }

  static untilTimeLimit(timeLimitMs: number, bufferConfig: BufferConfig): Suppressed {
    if (!Number.isSafeInteger(timeLimitMs) || timeLimitMs < 0)
      throw new Error(
        `Suppressed.untilTimeLimit: the time limit must be a whole number of ms >= 0, got ${timeLimitMs}`,
      );
    return new Suppressed('time-limit', timeLimitMs, bufferConfig, undefined);
  }

  /** Names the node and its buffer store (`<name>-store`, changelog `<applicationId>-<name>-store-changelog`). */
  withName(name: string): Suppressed {
    return new Suppressed(this.kind, this.timeLimitMs, this.bufferConfig, name);
  }
}
