/**
 * The relay's environment variables, in one table that drives both their parsing and
 * `npm run relay -- --help`. A new variable is one entry here (plus its row in the README's
 * table and in .env.example, which a test keeps in step).
 */
import { z } from 'zod';

import { DEFAULT_BASE_URL } from '../jazzhr/answers';
import { isHttpUrl } from '../web-link';
import { ENCRYPTION_KEY_FORMAT, decodeEncryptionKey } from './encryption';

/** One environment variable. Parsers' messages are completed by its name: "PORT must be …". */
export interface Variable {
  name: string;
  /** The value an unset or empty variable stands for, written as one would set it. */
  default?: string;
  /** What unset means when there is no default value to show, e.g. "all interfaces". */
  unset?: string;
  meaning: string;
  parse: z.ZodType;
}

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const hours = z.coerce
  .number({ error: 'must be a number of hours' })
  .positive('must be more than 0 hours')
  .max(24 * 366, 'must be at most 8784 hours (a year)');

const httpUrl = z
  .string()
  .refine(isHttpUrl, 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

const hostList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host.length > 0),
  )
  .refine((hosts) => hosts.length > 0, 'must list at least one host, or be *');

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
      'must be sqlite:PATH (e.g. sqlite:./relay-data/relay.sqlite) or postgres://user:password@host:5432/database',
  });
  return z.NEVER;
});
export type DatabaseLocation = z.infer<typeof databaseLocation>;

const encryptionKey = z.string().transform((text, ctx) => {
  const key = decodeEncryptionKey(text);
  if (key) return key;
  ctx.addIssue({ code: 'custom', message: ENCRYPTION_KEY_FORMAT });
  return z.NEVER;
});

const positiveNumber = (max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .refine(Number.isFinite, 'must be a number')
    .refine((value) => value > 0, 'must be more than 0')
    .refine((value) => value <= max, `must be at most ${max}`);

const accessToken = z
  .string()
  .min(16, 'must be at least 16 characters; use a long random value')
  .refine((value) => !/\s/.test(value), 'must not contain spaces');

/** Keyed by the RelayConfig field each variable fills; --help lists them in this order. */
export const RELAY_VARIABLES = {
  port: { name: 'PORT', default: '8080', meaning: 'Port to listen on.', parse: integer(0, 65535) },
  host: {
    name: 'RELAY_HOST',
    default: '127.0.0.1',
    meaning:
      'Interface to listen on. The default takes connections from this machine only (a TLS proxy in front); 0.0.0.0 or :: listens on every interface, as in a container.',
    parse: z.string(),
  },
  database: {
    name: 'DATABASE_URL',
    default: 'sqlite:./relay-data/relay.sqlite',
    meaning:
      'sqlite:PATH (one relay process) or postgres://user:password@host:5432/database (any number of relay processes).',
    parse: databaseLocation,
  },
  publicUrl: {
    name: 'RELAY_PUBLIC_URL',
    unset: 'http://localhost:$PORT',
    meaning:
      'Public base of the ingest URLs given to users (the https:// address JazzHR posts to).',
    parse: httpUrl,
  },
  accessToken: {
    name: 'RELAY_ACCESS_TOKEN',
    unset: 'none',
    meaning:
      'If set (16+ characters), /v1 calls need X-Relay-Access-Token: only your Zapier app can use the relay.',
    parse: accessToken,
  },
  adminToken: {
    name: 'RELAY_ADMIN_TOKEN',
    unset: 'none (console and operator API off)',
    meaning:
      'If set (16+ characters), turns on the operator console at /console and POST /v1/operator/recover, both behind this token.',
    parse: accessToken,
  },
  metricsToken: {
    name: 'RELAY_METRICS_TOKEN',
    unset: 'none (/metrics is open)',
    meaning:
      'If set (16+ characters), GET /metrics needs "Authorization: Bearer <token>"; Prometheus sends it with bearer_token.',
    parse: accessToken,
  },
  operatorWebhookUrl: {
    name: 'RELAY_OPERATOR_WEBHOOK_URL',
    unset: 'none (no alerts)',
    meaning:
      'Where operator alerts are POSTed as JSON (delivery.failed, subscription.deactivated, connection.revoked, deliveries.backlog); a Zapier Catch Hook works.',
    parse: httpUrl,
  },
  operatorWebhookSecret: {
    name: 'RELAY_OPERATOR_WEBHOOK_SECRET',
    unset: 'none; required with RELAY_OPERATOR_WEBHOOK_URL',
    meaning:
      'Signs each alert: X-Relay-Signature is the hex HMAC-SHA256 of the body under this secret (16+ characters).',
    parse: accessToken,
  },
  backlogAlertSeconds: {
    name: 'RELAY_BACKLOG_ALERT_SECONDS',
    default: '600',
    meaning:
      'A deliveries.backlog alert is sent when the oldest pending delivery has waited longer than this (at most one an hour).',
    parse: integer(1, 7 * 24 * 3600),
  },
  jazzhrApiUrl: {
    name: 'JAZZHR_API_URL',
    default: DEFAULT_BASE_URL,
    meaning: 'Where new API keys are checked.',
    parse: httpUrl,
  },
  allowedTargetHosts: {
    name: 'RELAY_ALLOWED_TARGET_HOSTS',
    default: 'hooks.zapier.com',
    meaning:
      'Comma-separated hosts deliveries may go to (subdomains included); * allows any. Stops the relay being used to POST to internal addresses.',
    parse: hostList,
  },
  maxInflightBytes: {
    name: 'RELAY_MAX_INFLIGHT_BYTES',
    default: String(64 * 1024 * 1024),
    meaning:
      'Bytes of ingest bodies held at once, counted before the signature is checked (a body without Content-Length counts as 10 MB). Past it, a new ingest gets 503 with Retry-After before its body is read.',
    parse: integer(10 * 1024 * 1024, 4 * 1024 * 1024 * 1024),
  },
  maxConnections: {
    name: 'RELAY_MAX_CONNECTIONS',
    default: '1024',
    meaning:
      'Open client connections at once; past it, new ones are closed at once. Keep it below the open-file limit (ulimit -n) so the database and deliveries always have descriptors.',
    parse: integer(1, 1_000_000),
  },
  maxSubscriptionsPerConnection: {
    name: 'RELAY_MAX_SUBSCRIPTIONS_PER_CONNECTION',
    default: '50',
    meaning:
      'Active subscriptions (Zaps with Candidate Exported) one JazzHR account may have at once; past it, a new subscribe gets 409.',
    parse: integer(1, 100_000),
  },
  deliveryTimeoutMs: {
    name: 'RELAY_DELIVERY_TIMEOUT_MS',
    default: '10000',
    meaning: 'Timeout per delivery attempt.',
    parse: integer(100, 120_000),
  },
  retryBaseDelayMs: {
    name: 'RELAY_RETRY_BASE_DELAY_MS',
    default: '10000',
    meaning:
      'First retry after ½–1× this (at most 30000), doubling up to 1 h; retries go on for RELAY_RETRY_WINDOW_HOURS, then the delivery is marked failed.',
    parse: integer(10, 30_000),
  },
  retryWindowHours: {
    name: 'RELAY_RETRY_WINDOW_HOURS',
    default: '72',
    meaning:
      'How long after an export arrives failed deliveries are still retried (fractions allowed), so a weekend outage at Zapier loses nothing. Time a target spends throttling (429) is added to it.',
    parse: hours,
  },
  maxDeliveriesPerSecond: {
    name: 'RELAY_MAX_DELIVERIES_PER_SECOND',
    default: '10',
    meaning:
      'Delivery attempts started per subscription in any one second, across every relay process (Zapier throttles a hook near 30 a second).',
    parse: integer(1, 1000),
  },
  pollIntervalMs: {
    name: 'RELAY_POLL_INTERVAL_MS',
    default: '1000',
    meaning: 'How often idle workers look for due retries and for work stored by other processes.',
    parse: integer(10, 60_000),
  },
  encryptionKey: {
    name: 'RELAY_ENCRYPTION_KEY',
    unset: 'relay.key beside a SQLite database',
    meaning:
      'Encrypts secrets and exports at rest (AES-256-GCM): 32 random bytes in base64, from `openssl rand -base64 32`. Required with PostgreSQL. Back it up apart from the database.',
    parse: encryptionKey,
  },
  encryptionKeyPrevious: {
    name: 'RELAY_ENCRYPTION_KEY_PREVIOUS',
    unset: 'none',
    meaning:
      'The key being replaced, still read while `npm run relay -- reencrypt` rewrites every row under RELAY_ENCRYPTION_KEY.',
    parse: encryptionKey,
  },
  keyRecheckSeconds: {
    name: 'RELAY_KEY_RECHECK_SECONDS',
    default: '3600',
    meaning:
      'A connection’s JazzHR key is confirmed again on its first /v1 call once its last confirmation is this old; a key JazzHR rejects revokes the connection.',
    parse: integer(60, 86_400),
  },
  retentionDays: {
    name: 'RELAY_RETENTION_DAYS',
    default: '30',
    meaning:
      'Days (fractions allowed) after which an export’s body and headers are erased, once none of its deliveries is pending; ids, times and outcomes stay.',
    parse: positiveNumber(3650),
  },
} satisfies Record<string, Variable>;

type Variables = typeof RELAY_VARIABLES;
type ValueOf<V extends Variable> = V extends { default: string }
  ? z.output<V['parse']>
  : z.output<V['parse']> | undefined;

/** The parsed configuration: one field per entry of RELAY_VARIABLES. */
export type RelayConfig = { [Field in keyof Variables]: ValueOf<Variables[Field]> };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads every variable; unset and empty mean the default. Reports all problems at once, never a value. */
export function loadConfig(env: Record<string, string | undefined>): RelayConfig {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [field, variable] of Object.entries(RELAY_VARIABLES) as Array<[string, Variable]>) {
    const raw = env[variable.name] || variable.default;
    config[field] = undefined;
    if (raw === undefined) continue;
    const result = variable.parse.safeParse(raw);
    if (result.success) config[field] = result.data;
    else problems.push(...result.error.issues.map((issue) => `${variable.name} ${issue.message}`));
  }
  problems.push(...relatedProblems(config as Partial<RelayConfig>));
  if (problems.length > 0) {
    throw new ConfigError(`Invalid relay configuration:\n- ${problems.join('\n- ')}`);
  }
  return config as RelayConfig;
}

/** Rules that join two variables. */
function relatedProblems(config: Partial<RelayConfig>): string[] {
  if (config.operatorWebhookUrl !== undefined && config.operatorWebhookSecret === undefined) {
    return [
      'RELAY_OPERATOR_WEBHOOK_SECRET must be set when RELAY_OPERATOR_WEBHOOK_URL is: alerts are always signed',
    ];
  }
  return [];
}

/** The variables as --help prints them: name, default, then the meaning wrapped below. */
export function describeVariables(width = 100): string {
  return Object.values(RELAY_VARIABLES as Record<string, Variable>)
    .map(
      (variable) =>
        `  ${variable.name}  (default: ${variable.default ?? variable.unset ?? 'none'})\n${wrap(variable.meaning, width - 6, '      ')}`,
    )
    .join('\n');
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((each) => indent + each).join('\n');
}

/** Whether a delivery target's host is on the allow-list ("*" allows all; an entry allows its subdomains). */
export function isAllowedTargetHost(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((entry) => entry === '*' || host === entry || host.endsWith(`.${entry}`));
}
