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

/** Error name and code only: driver messages can quote the values that failed. */
export function errorFields(error: unknown): { error_name: string; error_code: string | null } {
  return {
    error_name: errorProperty(error, 'name') ?? typeof error,
    error_code: errorProperty(error, 'code') ?? null,
  };
}

/** An error-like value's name or code, when it is a non-empty string; duck-typed across realms. */
export function errorProperty(value: unknown, key: 'name' | 'code'): string | undefined {
  if (value === null || typeof value !== 'object' || !(key in value)) return undefined;
  const found = (value as Record<string, unknown>)[key];
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/**
 * Warnings that a client can cause at will, logged at most once per interval per key: the
 * first at once, the rest counted and logged as one line with their count when the interval
 * ends (with the latest one's fields).
 */
export class ThrottledWarnings {
  private readonly open = new Map<string, { count: number; fields: LogFields }>();

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    private readonly intervalMs = 1_000,
  ) {}

  warn(key: string, fields: LogFields): void {
    const window = this.open.get(key);
    if (window) {
      window.count += 1;
      window.fields = fields;
      return;
    }
    this.logger.warn(this.message, { ...fields, count: 1 });
    this.openWindow(key);
  }

  private openWindow(key: string): void {
    const window = { count: 0, fields: {} as LogFields };
    this.open.set(key, window);
    const timer = setTimeout(() => {
      this.open.delete(key);
      if (window.count === 0) return;
      this.logger.warn(this.message, { ...window.fields, count: window.count });
      this.openWindow(key);
    }, this.intervalMs);
    timer.unref();
  }
}
