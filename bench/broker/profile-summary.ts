// Summarizes a V8 CPU profile (`node --cpu-prof`) of an engine run: where its main thread's busy time
// went, by part of the code base, and the functions with the most self time.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** Milliseconds of the profile summarized (the window; see `summarizeProfile`). */
  readonly windowMs: number;
  /** Share of the window the main thread was busy (not idle), 0..1. */
  readonly busyShare: number;
  /** Share of the busy time per part of the code base, largest first. */
  readonly parts: readonly { readonly part: string; readonly share: number }[];
  /** The functions with the most self time, as `name (file)`, with their share of the busy time. */
  readonly topFunctions: readonly { readonly fn: string; readonly share: number }[];
}

const ROOT = resolve(import.meta.dirname, '../..');

/** The parts of the code base, first match wins; `url` is relative to the repository root. */
const PARTS: readonly (readonly [string, (url: string, name: string) => boolean])[] = [
  ['GC', (_u, n) => n === '(garbage collector)'],
  ['V8 and native code outside JS frames', (_u, n) => n === '(program)'],
  ['batch data plane (engine/transport/kafka-batch)', (u) => u.startsWith('engine/transport/kafka-batch/')],
  ['other Kafka transport (engine/transport)', (u) => u.startsWith('engine/transport/')],
  ['runtime: tasks, record queues, commits (engine/runtime)', (u) => u.startsWith('engine/runtime/')],
  ['operators (engine/dsl, engine/processor)', (u) => /^engine\/(dsl|processor|patterns)\//.test(u)],
  ['serdes (engine/serdes)', (u) => u.startsWith('engine/serdes/')],
  ['state stores (state-stores)', (u) => u.startsWith('state-stores/')],
  ['lmdb (node_modules)', (u) => u.includes('node_modules/lmdb/')],
  ['other libraries (node_modules)', (u) => u.includes('node_modules/')],
  ['Buffers (node:buffer)', (u) => u === 'node:buffer' || u === 'node:internal/buffer'],
  ['other Node core (node:*)', (u) => u.startsWith('node:')],
  ['native functions called from JS', (u) => u === ''],
  ['other', () => true],
];

function localUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  return relative(ROOT, fileURLToPath(url));
}

/** Sample indexes from the first to the last one whose stack holds a frame `inWindow` accepts. */
function windowOf(profile: CpuProfile, inWindow: (frame: CallFrame) => boolean): [number, number] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const matching = new Set<number>();
  const visit = (id: number, ancestorMatches: boolean) => {
    const node = byId.get(id)!;
    const matches = ancestorMatches || inWindow(node.callFrame);
    if (matches) matching.add(id);
    for (const child of node.children ?? []) visit(child, matches);
  };
  if (profile.nodes[0]) visit(profile.nodes[0].id, false);
  const first = profile.samples.findIndex((id) => matching.has(id));
  const last = profile.samples.findLastIndex((id) => matching.has(id));
  return first < 0 ? [0, -1] : [first, last];
}

/**
 * Self time per part and per function over the whole profile, or, with `inWindow`, from the first to
 * the last sample inside a frame it accepts (an engine's record processing: start-up and the idle
 * tail until it is stopped left out).
 */
export function summarizeProfile(
  file: string,
  options: { readonly top?: number; readonly inWindow?: (frame: CallFrame) => boolean } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const [first, last] = options.inWindow
    ? windowOf(profile, options.inWindow)
    : [0, profile.samples.length - 1];
  const selfMicros = new Map<number, number>();
  for (let i = first; i <= last; i++) {
    const id = profile.samples[i]!;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const { functionName, url } = byId.get(id)!.callFrame;
    total += micros;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const local = localUrl(url);
    const part = PARTS.find(([, matches]) => matches(local, functionName))![0];
    parts.set(part, (parts.get(part) ?? 0) + micros);
    // No line numbers: tsx's transpiled modules do not keep them.
    const fn = local ? `${functionName || '(anonymous)'} (${local})` : functionName;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
  }
  const busy = total - idle;
  const ranked = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([name, micros]) => [name, busy > 0 ? micros / busy : 0] as const);
  return {
    windowMs: total / 1000,
    busyShare: total > 0 ? busy / total : 0,
    parts: ranked(parts).map(([part, share]) => ({ part, share })),
    topFunctions: ranked(functions)
      .slice(0, options.top ?? 5)
      .map(([fn, share]) => ({ fn, share })),
  };
}
