/**
 * Log fields are scalars only, so a body, a header bag or a config object cannot slip into a
 * log line by accident. Log ids, statuses and durations; never keys, secrets, URLs or bodies.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Level = 'info' | 'warn' | 'error';

/** JSON lines, one event per line, to stdout unless another sink is given. */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
  now: () => number = Date.now,
): Logger {
  const log = (level: Level, message: string, fields: LogFields = {}) => {
    write(
      `${JSON.stringify({ time: new Date(now()).toISOString(), level, msg: message, ...fields })}\n`,
    );
  };
  return {
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
