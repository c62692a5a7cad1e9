import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams, type ProcessingGuarantee } from 'rivulet';
import { type OrderPaymentTopics, orderPaymentTopology } from './order-payment.js';

/** One instance of the order-payment scenario (in this process; test/kafka/apps/order-payment-app.ts runs one as a child). */
export function orderPaymentInstance(
  bootstrapServers: string,
  applicationId: string,
  instanceId: string,
  topics: OrderPaymentTopics,
  guarantee: ProcessingGuarantee,
): KafkaStreams {
  return new KafkaStreams(orderPaymentTopology(topics), {
    applicationId,
    bootstrapServers,
    instanceId,
    processingGuarantee: guarantee,
    commitIntervalMs: 100,
    // Both sides of the join must be read before stream time moves past a window. After a restart
    // the first fetch of one side can take seconds; without fetch-lag-aware idling (KIP-695, not in
    // yet) 2 s was measured to be too short: orders were judged unpaid before their payment was read.
    maxTaskIdleMs: 10_000,
    stateDir: join(tmpdir(), 'rivulet-order-payment', applicationId, instanceId),
  });
}
