/**
 * When a windowed aggregation emits (Kafka Streams' EmitStrategy, KIP-825): on every update of a
 * window (the default, through the record cache), or once per window when it closes.
 */
export class EmitStrategy {
  private constructor(readonly type: 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE') {}

  /** Each window's final result once, when stream time passes its end + grace; nothing before. */
  static onWindowClose(): EmitStrategy {
    return new EmitStrategy('ON_WINDOW_CLOSE');
  }

  /** Every update of a window (collapsed by the record cache when the store caches). */
  static onWindowUpdate(): EmitStrategy {
    return new EmitStrategy('ON_WINDOW_UPDATE');
  }
}
