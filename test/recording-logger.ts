import type { Logger } from 'rivulet';

export interface LoggedLine {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

/** A Logger for tests that keeps every line it is given (children log into the same list). */
export function recordingLogger(lines: LoggedLine[]): Logger {
  const at =
    (level: LoggedLine['level']) =>
    (obj: object, msg?: string): void =>
      void lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  const logger: Logger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}
