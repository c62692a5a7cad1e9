import { createRequire } from 'node:module';
import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { SessionStore } from '../../../state-stores/session-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import { InternalSerde } from '../../serdes/internal-serde.js';
import type { ProcessorContext } from '../processor.js';
import type { Record } from '../record.js';
import { type Change, change } from './change.js';

// sorted-btree is CommonJS with the class on `default`.
const { default: BTree } = createRequire(import.meta.url)('sorted-btree') as typeof import('sorted-btree');

/** The key under which a task's emit progress sits in the metadata store (as window-close-emitter.ts). */
const LAST_EMIT = 'lastEmitWindowCloseTime';

const pad = (ms: number) => String(ms).padStart(16, '0');

/**
 * `emitStrategy(EmitStrategy.onWindowClose())` for session windows (Kafka Streams'
 * KStreamSessionWindowAggregate): nothing is forwarded while a session may still grow; once stream
 * time − gap − grace passes a session's end, its final aggregate is forwarded once, stamped with
 * its end, sessions in end order. Kafka Streams finds them in a time-ordered session store; here
 * the processor keeps an index of its sessions by end time (built from the store at the first emit
 * after a restart). The close time of the last emit is kept in a logged store, as for windows.
 */
export class SessionCloseEmitter<K, VAgg> {
  private metadata!: KeyValueStore<string, number>;
  private lastEmitCloseTimeMs: number | undefined;
  /** The store's sessions by `end|key|start`; undefined until the first emit builds it. */
  private index: InstanceType<typeof BTree<string, Windowed<K>>> | undefined;

  constructor(private readonly metadataStoreName: string) {}

  init(context: ProcessorContext<unknown, unknown>): void {
    this.metadata = context.getStateStore<KeyValueStore<string, number>>(this.metadataStoreName);
    this.lastEmitCloseTimeMs = undefined;
    this.index = undefined;
  }

  /** The processor put (or removed) a session. */
  track(session: Windowed<K>, present: boolean): void {
    if (!this.index) return;
    if (present) this.index.set(indexKey(session), session);
    else this.index.delete(indexKey(session));
  }

  maybeEmit(
    record: Record<unknown, unknown>,
    closeTimeMs: number,
    store: SessionStore<K, VAgg>,
    context: ProcessorContext<Windowed<K>, Change<VAgg>>,
  ): void {
    this.lastEmitCloseTimeMs ??= this.metadata.get(LAST_EMIT) ?? -1;
    const last = this.lastEmitCloseTimeMs;
    if (last !== -1 && last >= closeTimeMs) return;
    // Session ends are inclusive: a session ending exactly at the close time may still grow.
    const upper = closeTimeMs - 1;
    const lower = Math.max(0, last);
    if (upper < 0 || upper < lower) return;
    const index = this.indexOf(store);
    // Everything up to the upper bound leaves the index: emitted now, or emitted (or expired) before.
    const closed: [string, Windowed<K>][] = [];
    for (const entry of index.entries()) {
      if (entry[1].endMs > upper) break;
      closed.push(entry);
    }
    for (const [k] of closed) index.delete(k);
    for (const [, session] of closed) {
      if (session.endMs < lower) continue;
      const value = store.fetchSession(session.key, session.startMs, session.endMs);
      if (value === null) continue;
      context.forward(record.withKey(session).withValue(change(value, null)).withTimestamp(session.endMs));
    }
    this.lastEmitCloseTimeMs = closeTimeMs;
    this.metadata.put(LAST_EMIT, closeTimeMs);
  }

  private indexOf(store: SessionStore<K, VAgg>): InstanceType<typeof BTree<string, Windowed<K>>> {
    if (!this.index) {
      this.index = new BTree<string, Windowed<K>>();
      for (const { key } of store.all()) this.index.set(indexKey(key), key);
    }
    return this.index;
  }
}

function indexKey(session: Windowed<unknown>): string {
  return `${pad(session.endMs)}|${InternalSerde.serialize('', session.key)!.toString('hex')}|${pad(session.startMs)}`;
}
