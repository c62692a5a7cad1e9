import type { ConsumerPort, ProducerPort, Transport } from '../../transport/ports.js';
import type { StreamsMetadata } from '../streams-metadata.js';

/** `<applicationId>-instances`: one compacted record per instance, a tombstone when it leaves. */
export function instancesTopicName(applicationId: string): string {
  return `${applicationId}-instances`;
}

/**
 * Publishes this instance's metadata to the instances topic after each assignment, and reads every
 * instance's record back (a group-less consumer in a background loop) to answer "who hosts what".
 */
export class MembershipDirectory {
  private readonly instances = new Map<string, StreamsMetadata>();
  private readonly producer: ProducerPort;
  private readonly reader: ConsumerPort;
  private readonly topic: string;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    transport: Transport,
    applicationId: string,
    private readonly instanceId: string,
  ) {
    this.topic = instancesTopicName(applicationId);
    this.producer = transport.producer({ clientId: `${instanceId}-membership` });
    this.reader = transport.consumer({
      clientId: `${instanceId}-membership-reader`,
      isolationLevel: 'read_uncommitted',
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.reader.assign([{ topic: this.topic, partition: 0, offset: 0 }]);
    this.running = true;
    this.loop = this.readLoop();
  }

  async publish(metadata: StreamsMetadata): Promise<void> {
    this.instances.set(metadata.instanceId, metadata);
    this.producer.send(
      this.topic,
      0,
      Buffer.from(metadata.instanceId),
      Buffer.from(JSON.stringify(metadata)),
      [],
      Date.now(),
    );
    await this.producer.flush();
  }

  all(): StreamsMetadata[] {
    return [...this.instances.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  /** Writes the tombstone (on a clean close) and stops reading. */
  async close(tombstone: boolean): Promise<void> {
    this.running = false;
    if (tombstone) {
      this.producer.send(this.topic, 0, Buffer.from(this.instanceId), null, [], Date.now());
      await this.producer.flush().catch(() => {});
    }
    await this.loop;
    await this.reader.close();
    await this.producer.close();
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      const records = await this.reader.poll(100, 200).catch(() => []);
      for (const r of records) {
        const id = r.key?.toString() ?? '';
        if (r.value === null) this.instances.delete(id);
        else this.instances.set(id, JSON.parse(r.value.toString()) as StreamsMetadata);
      }
    }
  }
}
