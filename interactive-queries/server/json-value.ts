/**
 * A store value as JSON: Buffers become base64 strings and bigints decimal strings (JSON has
 * neither); everything else is as JSON.stringify writes it.
 */
export function toJsonValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
