/**
 * Options of a foreign-key table join (Kafka Streams' TableJoined): its name, which names its
 * processors, store and internal topics (`<name>-subscription-registration-topic`, ...).
 */
export class TableJoined {
  private constructor(readonly name: string | undefined) {}

  static as(name: string): TableJoined {
    if (!name) throw new Error('TableJoined.as: the name must not be empty');
    return new TableJoined(name);
  }

  withName(name: string): TableJoined {
    return TableJoined.as(name);
  }
}
