import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';

/** `<applicationId>-<store>-changelog`, as in Kafka Streams. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** Full topic name: repartition topics get the `<applicationId>-` prefix, user topics stay as named. */
export function topicResolver(
  applicationId: string,
  builder: InternalTopologyBuilder,
): (name: string) => string {
  return (name) => (builder.isInternalTopic(name) ? `${applicationId}-${name}` : name);
}
