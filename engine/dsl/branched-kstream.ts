import { branchSupplier, passThroughSupplier } from '../processor/internals/stream-processors.js';
import { Branched } from './branched.js';
import { KStream } from './kstream.js';

interface Branch<K, V> {
  predicate: (key: K, value: V) => boolean;
  branched: Branched<K, V>;
}

/**
 * The result of `KStream.split()`. Each record goes to the first matching branch. The result map's
 * keys are the split name followed by the branch name (or its 1-based position; "0" for default).
 */
export class BranchedKStream<K, V> {
  private readonly branches: Branch<K, V>[] = [];
  private done = false;

  /** @internal */
  constructor(
    private readonly parent: KStream<K, V>,
    private readonly splitName: string | undefined,
  ) {}

  branch(predicate: (key: K, value: V) => boolean, branched: Branched<K, V> = Branched.as<K, V>('')): this {
    if (this.done)
      throw new Error('split(): no branch can be added after defaultBranch() or noDefaultBranch()');
    this.branches.push({ predicate, branched });
    return this;
  }

  defaultBranch(branched: Branched<K, V> = Branched.as<K, V>('')): Map<string, KStream<K, V>> {
    return this.finish(branched);
  }

  noDefaultBranch(): Map<string, KStream<K, V>> {
    return this.finish(undefined);
  }

  private finish(defaultBranched: Branched<K, V> | undefined): Map<string, KStream<K, V>> {
    if (this.done) throw new Error('split(): defaultBranch()/noDefaultBranch() was already called');
    this.done = true;
    const { builder } = this.parent;
    const prefix = this.splitName ?? builder.newName('KSTREAM-BRANCH');
    const named = this.branches.map((b, i) => ({
      ...b,
      name: `${prefix}${b.branched.name || String(i + 1)}`,
    }));
    const defaultName = defaultBranched ? `${prefix}${defaultBranched.name || '0'}` : undefined;
    const supplier = branchSupplier(
      named.map((b) => b.predicate),
      named.map((b) => b.name),
      defaultName,
    );
    builder.addProcessor(prefix, supplier, [this.parent.nodeName]);

    const result = new Map<string, KStream<K, V>>();
    const all = named.map((b) => ({ name: b.name, branched: b.branched }));
    if (defaultBranched && defaultName) all.push({ name: defaultName, branched: defaultBranched });
    for (const { name, branched } of all) {
      builder.addProcessor(name, passThroughSupplier(), [prefix]);
      const stream = new KStream<K, V>(
        builder,
        name,
        this.parent.keySerde,
        this.parent.valueSerde,
        this.parent.repartitionRequired,
      );
      const out = branched.chain ? branched.chain(stream) : stream;
      if (out) result.set(name, out);
    }
    return result;
  }
}
