import { EmbeddedLog, Serdes } from 'rivulet';
import { CLICKS, type Click, NOTES } from './shop-topology.js';

const S = Serdes.String();

/** A cluster name of its own per test, with the input topics and `clicks` produced. */
export function embeddedLog(clicks: readonly Click[]) {
  const name = `iq-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const log = EmbeddedLog.named(name).createTopic(CLICKS, 4).createTopic(NOTES, 4);
  log.produce(
    CLICKS,
    clicks.map((c) => ({ key: c.key, value: 'x', timestampMs: c.timestampMs })),
    S,
    S,
  );
  return { bootstrapServers: `memory://${name}`, log };
}

/**
 * When the test clicks start: an hour ago, on a whole second. Timestamps near now matter on a broker:
 * a window store's changelog is deleted by time (retention.ms), so 1970 timestamps would vanish.
 */
export const CLICKS_START_MS = Math.floor(Date.now() / 1_000) * 1_000 - 3_600_000;

/** 40 users; user i clicks i % 5 + 1 times from its own second (from CLICKS_START_MS): 40 ms apart, the 4th and 5th after a pause (a second session). */
export function someClicks(): Click[] {
  const clicks: Click[] = [];
  for (let i = 0; i < 40; i++) {
    const key = `user-${String(i).padStart(3, '0')}`;
    for (let n = 0; n <= i % 5; n++)
      clicks.push({ key, timestampMs: CLICKS_START_MS + 1_000 * i + 40 * n + (n >= 3 ? 500 : 0) });
  }
  return clicks;
}

export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
