import { branchSupplier, passThroughSupplier } from '../processor/internals/stream-processors.js';
import { Branched } from './branched.js';
import { type GraphNode, ProcessorNode } from './internals/graph/graph-node.js';
import { KStream } from './kstream.js';

/**
 * The result of `KStream.split()`, as Kafka Streams' BranchedKStreamImpl. Each record goes to the
 * first matching branch. A branch exists (and its chain runs) as soon as `branch()` declares it. The
 * result map's keys are the split name followed by the branch name (or its 1-based position; "0"
 * for the default branch).
 */
export class BranchedKStream<K, V> {
  private readonly predicates: ((key: K, value: V) => boolean)[] = [];
  /** The branches' node names, the default branch's last; the splitter reads both when it runs. */
  private readonly children: string[] = [];
  private readonly result = new Map<string, KStream<K, V>>();
  private readonly splitter: GraphNode;
  private readonly splitName: string;
  private done = false;

  /** @internal */
  constructor(
    private readonly parent: KStream<K, V>,
    name: string | undefined,
  ) {
    const { graph } = parent;
    this.splitName = graph.processorName(name, 'KSTREAM-BRANCH');
    this.splitter = graph.add(
      new ProcessorNode(this.splitName, [parent.node], branchSupplier(this.predicates, this.children)),
    );
  }

  branch(predicate: (key: K, value: V) => boolean, branched?: Branched<K, V>): this {
    if (this.done)
      throw new Error('split(): no branch can be added after defaultBranch() or noDefaultBranch()');
    this.predicates.push(predicate);
    this.addBranch(branched, this.predicates.length);
    return this;
  }

  defaultBranch(branched?: Branched<K, V>): Map<string, KStream<K, V>> {
    this.finish();
    this.addBranch(branched, 0);
    return this.result;
  }

  noDefaultBranch(): Map<string, KStream<K, V>> {
    this.finish();
    return this.result;
  }

  private finish(): void {
    if (this.done) throw new Error('split(): defaultBranch()/noDefaultBranch() was already called');
    this.done = true;
  }

  private addBranch(branched: Branched<K, V> = Branched.as<K, V>(''), position: number): void {
    const { graph } = this.parent;
    const name = `${this.splitName}${branched.name || String(position)}`;
    this.children.push(name);
    graph.newProcessorName(name); // Kafka Streams uses up a number per branch
    const node = graph.add(new ProcessorNode(name, [this.splitter], passThroughSupplier()));
    const stream = new KStream<K, V>(graph, node, this.parent.keySerde, this.parent.valueSerde);
    const out = branched.chain ? branched.chain(stream) : stream;
    if (out) this.result.set(name, out);
  }
}
