import {
  Consumed,
  Grouped,
  Materialized,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  TimeWindows,
  type Topology,
} from 'rivulet';

// The topology the query-server tests serve: a count per user (timestamped key-value, persistent so
// standbys keep it), clicks per second (window store), visits (session store), and notes (a table of
// large values, for slow subscribers).
export const CLICKS = 'clicks';
export const NOTES = 'notes';
export const COUNTS = 'counts';
export const PER_SECOND = 'per-second';
export const VISITS = 'visits';
export const NOTES_STORE = 'notes-store';
export const WINDOW_MS = 1_000;
export const SESSION_GAP_MS = 100;

const S = Serdes.String();

/** The input topics (their names differ per run on a shared broker). */
export interface ShopTopics {
  readonly clicks: string;
  readonly notes: string;
}

export function shopTopology(topics: ShopTopics = { clicks: CLICKS, notes: NOTES }): Topology {
  const builder = new StreamsBuilder();
  const clicks = builder
    .stream<string, string>(topics.clicks, Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S));
  clicks.count(Materialized.as<string, number>(COUNTS).withStoreType('persistent').withCachingDisabled());
  clicks
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, 60_000))
    .count(Materialized.as<string, number>(PER_SECOND).withCachingDisabled());
  clicks
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(SESSION_GAP_MS, 60_000))
    .count(Materialized.as<string, number>(VISITS).withCachingDisabled());
  builder.table(
    topics.notes,
    Consumed.with(S, S),
    Materialized.as<string, string>(NOTES_STORE).withCachingDisabled(),
  );
  return builder.build();
}

export interface Click {
  readonly key: string;
  readonly timestampMs: number;
}

/** What the stores should hold after `clicks`: the model the answers are checked against. */
export function expectedStores(clicks: readonly Click[]) {
  const counts = new Map<string, { value: number; timestamp: number }>();
  const windows = new Map<string, Map<number, number>>();
  const sessions = new Map<string, { start: number; end: number; value: number }[]>();
  for (const { key, timestampMs } of clicks) {
    const previous = counts.get(key);
    counts.set(key, {
      value: (previous?.value ?? 0) + 1,
      timestamp: Math.max(previous?.timestamp ?? 0, timestampMs),
    });
    const start = timestampMs - (timestampMs % WINDOW_MS);
    const perKey = windows.get(key) ?? new Map<number, number>();
    perKey.set(start, (perKey.get(start) ?? 0) + 1);
    windows.set(key, perKey);
    // Clicks arrive in time order per key here, so a session grows or a new one starts.
    const list = sessions.get(key) ?? [];
    const last = list[list.length - 1];
    if (last && timestampMs - last.end <= SESSION_GAP_MS)
      list[list.length - 1] = { ...last, end: timestampMs, value: last.value + 1 };
    else list.push({ start: timestampMs, end: timestampMs, value: 1 });
    sessions.set(key, list);
  }
  return { counts, windows, sessions };
}
