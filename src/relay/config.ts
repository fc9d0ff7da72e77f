import { z } from 'zod';

const DEFAULT_SQLITE_PATH = './relay-data/relay.sqlite';

/** Unset and empty variables mean the same thing: use the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const integer = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? fallback : value),
    z.coerce
      .number({ error: `${name} must be a whole number` })
      .int(`${name} must be a whole number`)
      .min(min, `${name} must be at least ${min}`)
      .max(max, `${name} must be at most ${max}`),
  );

const httpUrl = (name: string) =>
  z
    .string()
    .refine((value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `${name} must be an http:// or https:// URL`)
    .transform((value) => value.replace(/\/+$/, ''));

export const databaseLocation = z.string().transform((value, ctx) => {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length > 0) return { kind: 'sqlite' as const, path };
  } else if (/^postgres(ql)?:\/\//.test(value)) {
    return { kind: 'postgres' as const, url: value };
  }
  ctx.addIssue({
    code: 'custom',
    message:
      'DATABASE_URL must be sqlite:PATH (e.g. sqlite:./relay-data/relay.sqlite) or postgres://user:password@host:5432/database',
  });
  return z.NEVER;
});
export type DatabaseLocation = z.infer<typeof databaseLocation>;

const environmentSchema = z.object({
  PORT: integer('PORT', 0, 65535, 8080),
  RELAY_HOST: optional(z.string()),
  DATABASE_URL: optional(databaseLocation),
  RELAY_PUBLIC_URL: optional(httpUrl('RELAY_PUBLIC_URL')),
  RELAY_ACCESS_TOKEN: optional(
    z
      .string()
      .min(16, 'RELAY_ACCESS_TOKEN must be at least 16 characters; use a long random value')
      .refine((value) => !/\s/.test(value), 'RELAY_ACCESS_TOKEN must not contain spaces'),
  ),
  JAZZHR_API_URL: optional(httpUrl('JAZZHR_API_URL')),
  RELAY_DELIVERY_TIMEOUT_MS: integer('RELAY_DELIVERY_TIMEOUT_MS', 100, 120_000, 10_000),
  RELAY_RETRY_BASE_DELAY_MS: integer('RELAY_RETRY_BASE_DELAY_MS', 10, 30_000, 10_000),
  RELAY_POLL_INTERVAL_MS: integer('RELAY_POLL_INTERVAL_MS', 10, 60_000, 1_000),
  RELAY_ALLOWED_TARGET_HOSTS: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((host) => host.trim().toLowerCase())
          .filter((host) => host.length > 0),
      )
      .refine(
        (hosts) => hosts.length > 0,
        'RELAY_ALLOWED_TARGET_HOSTS must list at least one host, or be *',
      ),
  ),
});

export interface RelayConfig {
  port: number;
  /** Interface to listen on; undefined means every interface. */
  host: string | undefined;
  database: DatabaseLocation;
  /** Base of URLs shown to users; undefined means http://localhost:<the port actually bound>. */
  publicUrl: string | undefined;
  accessToken: string | undefined;
  jazzhrApiUrl: string;
  deliveryTimeoutMs: number;
  retryBaseDelayMs: number;
  pollIntervalMs: number;
  /** Host names deliveries may go to ("*" = any). Guards against using the relay to reach internal services. */
  allowedTargetHosts: readonly string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): RelayConfig {
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid relay configuration:\n- ${problems.join('\n- ')}`);
  }
  const parsed = result.data;
  return {
    port: parsed.PORT,
    host: parsed.RELAY_HOST,
    database: parsed.DATABASE_URL ?? { kind: 'sqlite', path: DEFAULT_SQLITE_PATH },
    publicUrl: parsed.RELAY_PUBLIC_URL,
    accessToken: parsed.RELAY_ACCESS_TOKEN,
    jazzhrApiUrl: parsed.JAZZHR_API_URL ?? 'https://api.resumatorapi.com/v1',
    deliveryTimeoutMs: parsed.RELAY_DELIVERY_TIMEOUT_MS,
    retryBaseDelayMs: parsed.RELAY_RETRY_BASE_DELAY_MS,
    pollIntervalMs: parsed.RELAY_POLL_INTERVAL_MS,
    allowedTargetHosts: parsed.RELAY_ALLOWED_TARGET_HOSTS ?? ['hooks.zapier.com'],
  };
}

/** Whether a delivery target's host is on the allow-list ("*" allows all; an entry allows its subdomains). */
export function isAllowedTargetHost(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((entry) => entry === '*' || host === entry || host.endsWith(`.${entry}`));
}
