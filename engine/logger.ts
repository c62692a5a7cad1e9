import { pino } from 'pino';

/**
 * The logger the engine writes to (ARCHITECTURE §12): pino's call shape, so a pino logger (the one
 * fastify uses) can be passed as it is, and any other logger can be adapted in a few lines.
 */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * The default: JSON lines on stderr, written synchronously so the line that says why an instance
 * failed is out before the process ends. Level from RIVULET_LOG_LEVEL (default info).
 */
export function defaultLogger(): Logger {
  return pino(
    { name: 'rivulet', level: process.env.RIVULET_LOG_LEVEL ?? 'info' },
    pino.destination({ dest: 2, sync: true }),
  );
}

/**
 * Logs at most once per `intervalMs` per key, with how many times it happened in between: for
 * events that can repeat per record (skipped records), so a flood costs one line a minute.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  warn(key: string, obj: object, msg: string): void {
    const now = Date.now();
    const seen = this.last.get(key);
    if (seen && now - seen.atMs < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.last.set(key, { atMs: now, suppressed: 0 });
    this.logger.warn(seen?.suppressed ? { ...obj, alsoSinceLastLine: seen.suppressed } : obj, msg);
  }
}
