// The application of the stream-threads test, for KafkaStreams.fromModule: words re-keyed by word
// (a repartition), counted in the store `word-counts`, written to `output`. A record whose value is `poison` throws once per
// `poisonMarker` file: the thread that processes it dies, and a new one takes over.
import { existsSync, writeFileSync } from 'node:fs';
import {
  Consumed,
  Grouped,
  Materialized,
  type ProcessingGuarantee,
  Produced,
  Serdes,
  type StreamsAppFactory,
  StreamsBuilder,
} from 'rivulet';

export interface ThreadsCountParameters {
  readonly applicationId: string;
  readonly bootstrapServers: string;
  readonly input: string;
  readonly output: string;
  readonly stateDir: string;
  readonly numStreamThreads: number;
  readonly guarantee: ProcessingGuarantee;
  readonly poisonMarker: string;
}

const threadsCountApp: StreamsAppFactory<ThreadsCountParameters> = (p) => {
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>(p.input, Consumed.with(S, S))
    .mapValues((word) => {
      if (word === 'poison' && !existsSync(p.poisonMarker)) {
        writeFileSync(p.poisonMarker, 'thrown');
        throw new Error('poison record');
      }
      return word;
    })
    .groupBy((_k, word) => word, Grouped.with(S, S))
    .count(Materialized.as('word-counts'))
    .toStream()
    .to(p.output, Produced.with(S, Serdes.Long()));
  return {
    topology: builder.build(),
    config: {
      applicationId: p.applicationId,
      bootstrapServers: p.bootstrapServers,
      processingGuarantee: p.guarantee,
      numStreamThreads: p.numStreamThreads,
      stateDir: p.stateDir,
      uncaughtExceptionHandler: 'replace_thread',
    },
  };
};
export default threadsCountApp;
