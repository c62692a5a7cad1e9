/**
 * A table processor's supplier that forwards each update's previous value only once downstream
 * asks for it (Kafka Streams' KTableProcessorSupplier.enableSendingOldValues): a groupBy that
 * subtracts, a join, a suppress. Until then it forwards Change(new, null), and its caching store's
 * flush does not read the previous value back from the backend.
 */
export interface SendsOldValues {
  enableSendingOldValues(): void;
}

export function sendsOldValues(supplier: object): supplier is SendsOldValues {
  return typeof (supplier as Partial<SendsOldValues>).enableSendingOldValues === 'function';
}
