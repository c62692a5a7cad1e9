import { Serdes, StreamsBuilder, TopologyTestDriver } from 'rivulet';
import { describe, expect, it } from 'vitest';
import type { PaymentCommand, PaymentEvent } from './payment-events.js';
import { addPaymentService } from './payment-service.js';
import { TOPICS } from './topics.js';

describe('the simulated payment service', () => {
  it('declines and leaves unanswered at the configured rates, for ids that differ only at the end', () => {
    const builder = new StreamsBuilder();
    addPaymentService(builder, TOPICS, { declineRate: 0.1, outageRate: 0.05 });
    const driver = new TopologyTestDriver(builder.build());
    const commands = driver.createInputTopic(
      TOPICS.paymentCommands.name,
      Serdes.String(),
      Serdes.Json<PaymentCommand>(),
    );
    const events = driver.createOutputTopic(
      TOPICS.paymentEvents.name,
      Serdes.String(),
      Serdes.Json<PaymentEvent>(),
    );
    const n = 2_000;
    for (let i = 1; i <= n; i++) {
      const orderId = `order-mx99wa2y-${i}`;
      commands.pipeInput(orderId, {
        schemaVersion: 1,
        type: 'ProcessPayment',
        commandId: `pay-${orderId}`,
        orderId,
        customerId: 'c1',
        amountCents: 100,
      });
    }
    const answers = events.readValuesToList();
    driver.close();
    const declined = answers.filter((e) => e!.type === 'PaymentDeclined').length / n;
    const unanswered = 1 - answers.length / n;
    expect(declined).toBeGreaterThan(0.08);
    expect(declined).toBeLessThan(0.12);
    expect(unanswered).toBeGreaterThan(0.035);
    expect(unanswered).toBeLessThan(0.065);
  });
});
