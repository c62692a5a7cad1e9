import type { KStream } from './kstream.js';

/** Names a branch of `split()` and optionally transforms or consumes it. */
export class Branched<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly chain: ((stream: KStream<K, V>) => KStream<K, V> | undefined) | undefined,
  ) {}

  static as<K, V>(name: string): Branched<K, V> {
    return new Branched<K, V>(name, undefined);
  }

  /** The branch's entry in the result map is what `fn` returns (nothing if it returns undefined). */
  static withFunction<K, V>(fn: (stream: KStream<K, V>) => KStream<K, V>, name?: string): Branched<K, V> {
    return new Branched<K, V>(name, fn);
  }

  /** `fn` consumes the branch; it has no entry in the result map. */
  static withConsumer<K, V>(fn: (stream: KStream<K, V>) => void, name?: string): Branched<K, V> {
    return new Branched<K, V>(name, (stream) => {
      fn(stream);
      return undefined;
    });
  }
}
