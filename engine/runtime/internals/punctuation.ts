import type { Cancellable, PunctuationType, Punctuator } from '../../processor/processor.js';

export interface PunctuationSchedule extends Cancellable {
  readonly type: PunctuationType;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  /** Runs the punctuator with the node's context current. */
  readonly run: (timestampMs: number) => void;
  nextMs: number;
  cancelled: boolean;
}

/**
 * Punctuation schedules of one task. Missed intervals collapse into one call and the schedule
 * realigns to its start, as in Kafka Streams.
 */
export class PunctuationQueue {
  private readonly schedules: PunctuationSchedule[] = [];

  add(schedule: PunctuationSchedule): void {
    this.schedules.push(schedule);
  }

  /** Fires every due schedule of the type; true if any fired. */
  mayPunctuate(type: PunctuationType, nowMs: number): boolean {
    let fired = false;
    for (let i = 0; i < this.schedules.length; i++) {
      const s = this.schedules[i]!;
      if (s.cancelled) {
        this.schedules.splice(i--, 1);
        continue;
      }
      if (s.type !== type || nowMs < s.nextMs) continue;
      s.nextMs = nowMs - ((nowMs - s.nextMs) % s.intervalMs) + s.intervalMs;
      s.run(nowMs);
      fired = true;
    }
    return fired;
  }

  clear(): void {
    this.schedules.length = 0;
  }
}
