/** A key in a time window (or session): `[startMs, endMs)` for windows, `[startMs, endMs]` for sessions. */
export interface Windowed<K> {
  readonly key: K;
  readonly startMs: number;
  readonly endMs: number;
}
