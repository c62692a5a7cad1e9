import type { WorkloadName } from '../workloads/workloads.js';
import type { Guarantee } from './apps/app-args.js';
import { ENGINE_LABELS, type EngineId } from './engines.js';
import type { LatencyResult } from './latency.js';
import type { ProfileSummary } from './profile-summary.js';
import { type CaseSummary, geometricMean, type Spread } from './summary.js';

const n = (v: number | undefined | null, digits = 0) =>
  v === undefined || v === null
    ? '–'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (s: Spread | null) =>
  s ? `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : '–';
const rate = (s: Spread | undefined) => (s ? `${n(s.median)} (${n(s.min)}–${n(s.max)})` : '–');

/** The throughput table in Markdown: medians with min–max, ratios, geometric means. */
export function throughputTable(cases: readonly CaseSummary[]): string {
  const lines = [
    '| workload | guarantee | rivulet rec/s | Kafka Streams rec/s | rivulet 2 threads | KS 2 threads | rivulet per-message rec/s | limit rec/s | batch limit rec/s | rivulet / KS | rivulet / batch limit | 2 threads: rivulet / KS |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cases) {
    lines.push(
      `| ${c.workload} | ${c.guarantee} | ${rate(c.throughput.rivulet)} | ${rate(c.throughput['kafka-streams'])} | ${rate(c.throughput['rivulet-2t'])} | ${rate(c.throughput['kafka-streams-2t'])} | ${rate(c.throughput['rivulet-per-message'])} | ${rate(c.throughput.limit)} | ${rate(c.throughput['limit-batch'])} | ${ratio(c.vsKafkaStreams)} | ${ratio(c.vsLimit)} | ${ratio(c.twoThreadsVsKafkaStreams)} |`,
    );
  }
  const geo = (pick: (c: CaseSummary) => Spread | null) =>
    geometricMean(cases.flatMap((c) => (pick(c) ? [pick(c)!.median] : [])));
  lines.push(
    `| **geometric mean** | | | | | | | | | ${n(
      geo((c) => c.vsKafkaStreams),
      2,
    )} | ${n(
      geo((c) => c.vsLimit),
      2,
    )} | ${n(
      geo((c) => c.twoThreadsVsKafkaStreams),
      2,
    )} |`,
  );
  return lines.join('\n');
}

/** Records per app CPU-second, cold total time, peak RSS and broker CPU per million records. */
export function resourceTable(cases: readonly CaseSummary[]): string {
  const engines: EngineId[] = ['rivulet', 'kafka-streams', 'rivulet-per-message', 'limit', 'limit-batch'];
  const lines = [
    '| workload | guarantee | rec per app CPU-s (rivulet / KS / rivulet per-message / limit / batch limit) | cold total s | peak RSS MB | broker CPU-s per M records |',
    '|---|---|---|---|---|---|',
  ];
  const each = (values: Partial<Record<EngineId, number>>, digits = 0) =>
    engines.map((e) => n(values[e], digits)).join(' / ');
  for (const c of cases) {
    lines.push(
      `| ${c.workload} | ${c.guarantee} | ${each(c.appCpuEfficiency)} | ${each(c.coldTotalSeconds, 1)} | ${each(c.peakRssMb)} | ${each(c.brokerCpuSecPerMillion, 2)} |`,
    );
  }
  return lines.join('\n');
}

const COLORS: Record<EngineId, string> = {
  rivulet: '#2b7bb9',
  'kafka-streams': '#e8743b',
  'kafka-streams-2t': '#f2b48f',
  limit: '#8c8c8c',
  'limit-batch': '#4d4d4d',
  'rivulet-per-message': '#9ecae1',
  'rivulet-2t': '#08519c',
};

/** A grouped bar chart (SVG) of median throughput per workload and guarantee for each system. */
export function throughputChart(cases: readonly CaseSummary[], title: string): string {
  const engines: EngineId[] = [
    'rivulet',
    'rivulet-2t',
    'rivulet-per-message',
    'kafka-streams',
    'kafka-streams-2t',
    'limit',
    'limit-batch',
  ];
  const max = Math.max(1, ...cases.flatMap((c) => engines.map((e) => c.throughput[e]?.median ?? 0)));
  const bar = 14;
  const group = engines.length * bar + 18;
  const left = 70;
  const top = 40;
  const height = 260;
  const width = left + cases.length * group + 20;
  const y = (v: number) => top + height - (v / max) * height;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 120}" font-family="sans-serif" font-size="11" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<text x="${left}" y="20" font-size="14">${title}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${left}" x2="${width - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v / 1000)}k</text>`,
    );
  }
  cases.forEach((c, g) => {
    const x0 = left + g * group + 9;
    engines.forEach((e, k) => {
      const v = c.throughput[e]?.median;
      if (v === undefined) return;
      parts.push(
        `<rect x="${x0 + k * bar}" y="${y(v)}" width="${bar - 2}" height="${top + height - y(v)}" fill="${COLORS[e]}"><title>${ENGINE_LABELS[e]}: ${Math.round(v)} rec/s</title></rect>`,
      );
    });
    const label = `${c.workload} ${c.guarantee === 'exactly_once_v2' ? 'EOS' : 'ALOS'}`;
    const lx = x0 + (engines.length * bar) / 2;
    parts.push(
      `<text transform="translate(${lx},${top + height + 10}) rotate(45)" text-anchor="start">${label}</text>`,
    );
  });
  engines.forEach((e, k) => {
    parts.push(
      `<rect x="${left + k * 170}" y="${top + height + 95}" width="10" height="10" fill="${COLORS[e]}"/>`,
      `<text x="${left + k * 170 + 14}" y="${top + height + 104}">${ENGINE_LABELS[e]}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** p50 / p99 / p99.9 per workload, engine and offered load. */
export function latencyTable(results: readonly LatencyResult[]): string {
  const lines = [
    '| workload | offered rec/s | sent rec/s | system | p50 ms | p99 ms | p99.9 ms | max ms | samples |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.workload} | ${n(r.offeredRate)} | ${n(r.sentRate)} | ${ENGINE_LABELS[r.engine]} | ${r.p50Ms} | ${r.p99Ms} | ${r.p999Ms} | ${r.maxMs} | ${n(r.samples)} |`,
    );
  }
  return lines.join('\n');
}

export interface WorkloadProfile {
  readonly workload: WorkloadName;
  readonly guarantee: Guarantee;
  readonly summary: ProfileSummary;
}

const pct = (share: number) => `${(share * 100).toFixed(0)} %`;

/** rivulet's main thread per workload: how busy, the three largest parts and the top function. */
export function profileTable(profiles: readonly WorkloadProfile[]): string {
  const lines = [
    '| workload | guarantee | main thread busy | largest parts of the busy time | top function (self) |',
    '|---|---|---|---|---|',
  ];
  for (const { workload, guarantee, summary } of profiles) {
    const parts = summary.parts
      .slice(0, 3)
      .map((p) => `${p.part} ${pct(p.share)}`)
      .join('; ');
    const top = summary.topFunctions[0];
    lines.push(
      `| ${workload} | ${guarantee} | ${pct(summary.busyShare)} | ${parts} | ${top ? `\`${top.fn}\` ${pct(top.share)}` : '–'} |`,
    );
  }
  return lines.join('\n');
}
