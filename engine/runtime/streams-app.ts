import type { Topology } from '../topology/topology.js';
import type { StreamsConfig } from './streams-config.js';

/** What a module for `KafkaStreams.fromModule` builds: a topology and the configuration to run it with. */
export interface StreamsApp {
  /** The topology, from `StreamsBuilder.build()` (or a Topology built by hand). */
  readonly topology: Topology;
  /** The instance's configuration; `numStreamThreads` above 1 runs the topology in that many workers. */
  readonly config: StreamsConfig;
}

/**
 * The default export of a module for `KafkaStreams.fromModule`. It is called once in the calling
 * thread and once in every stream thread's worker, each time with the same `parameters` (copied
 * between threads, so plain data), and must build the same topology each time.
 */
export type StreamsAppFactory<P = undefined> = (parameters: P) => StreamsApp | Promise<StreamsApp>;
