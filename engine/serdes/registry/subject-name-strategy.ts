/**
 * How a serde names the registry subject of a topic's keys or values (Confluent's
 * `key/value.subject.name.strategy`): `topic` → `<topic>-key|value` (the default), `record` → the
 * record's full name, `topic-record` → `<topic>-<record name>`.
 */
export type SubjectNameStrategy = 'topic' | 'record' | 'topic-record';

export function subjectName(
  strategy: SubjectNameStrategy,
  topic: string,
  isKey: boolean,
  recordName: string | undefined,
): string {
  if (strategy === 'topic') return `${topic}-${isKey ? 'key' : 'value'}`;
  if (recordName === undefined) {
    throw new Error(
      `subject name strategy '${strategy}' needs a named record schema (an Avro record, or a JSON Schema with a title); use 'topic' for this schema`,
    );
  }
  return strategy === 'record' ? recordName : `${topic}-${recordName}`;
}
