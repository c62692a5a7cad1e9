import {
  Consumed,
  type FixedKeyProcessorContext,
  type FixedKeyProcessorSupplier,
  Materialized,
  RETRY_HEADERS,
  Serdes,
  type StreamsBuilder,
} from 'rivulet';
import type { Notification } from './notification-service.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The dead-lettered notifications, keyed `<order id>/<kind>` (queryable; the dashboard lists them). */
export const DEAD_LETTERS_STORE = 'dead-letters';

export interface DeadLetter {
  readonly notification: Notification;
  /** The last attempt's error and the number of attempts, from the record's headers. */
  readonly error: string;
  readonly attempts: number;
  readonly deadLetteredAtMs: number;
}

const S = Serdes.String();

/** A read model of `notifications-dlq`: each dead letter with the error its headers carry. */
export function addDeadLetterView(builder: StreamsBuilder, topics: ShopTopics = TOPICS): void {
  const fromHeaders: FixedKeyProcessorSupplier<string, Notification, DeadLetter> = {
    get() {
      let context: FixedKeyProcessorContext<string, DeadLetter>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          if (record.value === null) return;
          const header = (key: string) => record.headers.find((h) => h.key === key)?.value.toString();
          context.forward(
            record.withValue({
              notification: record.value,
              error: header(RETRY_HEADERS.error) ?? '(no error header)',
              attempts: Number(header(RETRY_HEADERS.attempts) ?? 0),
              deadLetteredAtMs: record.timestampMs,
            }),
          );
        },
      };
    },
  };
  builder
    .stream<string, Notification>(topics.notificationsDlq.name, Consumed.with(S, Serdes.Json<Notification>()))
    .processValues(fromHeaders)
    .selectKey((orderId, letter) => `${orderId}/${letter.notification.kind}`)
    .toTable(
      Materialized.as<string, DeadLetter>(DEAD_LETTERS_STORE)
        .withKeySerde(S)
        .withValueSerde(Serdes.Json<DeadLetter>()),
    );
}
