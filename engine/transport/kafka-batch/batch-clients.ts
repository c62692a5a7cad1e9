import type { KafkaClients } from '../kafka/kafka-transport.js';
import { BatchConsumerPort } from './batch-consumer.js';
import { BatchProducerPort } from './batch-producer.js';
import type { NativeAddon } from './native-addon.js';

/** The batch data plane: consumers and producers on rivulet's addon over librdkafka (native/). */
export function batchClients(native: NativeAddon): KafkaClients {
  return {
    consumer: (servers, config, settings, onTransientError) =>
      new BatchConsumerPort(native, servers, config, settings, onTransientError),
    producer: (servers, config, settings, flushTimeoutMs) =>
      new BatchProducerPort(native, servers, config, settings, flushTimeoutMs),
  };
}
