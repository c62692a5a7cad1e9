import { StreamsError } from '../../errors.js';
import type { ConsumerRecord } from '../../transport/ports.js';

/**
 * Outputs the cluster refused, by the input record they came from and the topic they went to.
 * The stream thread finds them (one input record at a time, after a refusal); a task that
 * processes that input again hands those outputs to the production handler instead of sending
 * them. Empty almost always: the per-record check is one size test.
 */
export class RefusedOutputs {
  private readonly refused = new Map<string, StreamsError>();

  get size(): number {
    return this.refused.size;
  }

  add(input: ConsumerRecord, topic: string, error: StreamsError): void {
    this.refused.set(key(input, topic), refusalError(topic, error));
  }

  /** The production error for the output of `input` to `topic`, or undefined when it was not refused. */
  get(input: ConsumerRecord, topic: string): StreamsError | undefined {
    return this.refused.get(key(input, topic));
  }

  clear(): void {
    this.refused.clear();
  }
}

function key(input: ConsumerRecord, topic: string): string {
  return `${input.topic}\0${input.partition}\0${input.offset}\0${topic}`;
}

/** The production error a handler sees for an output the cluster refused. */
export function refusalError(topic: string, error: StreamsError): StreamsError {
  return new StreamsError(`the output to ${topic} was refused: ${error.message}`, { cause: error });
}
