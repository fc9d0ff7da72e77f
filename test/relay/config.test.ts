import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  ConfigError,
  RELAY_VARIABLES,
  describeVariables,
  isAllowedTargetHost,
  loadConfig,
  type Variable,
} from '../../src/relay/config';

const variables: Variable[] = Object.values(RELAY_VARIABLES);
const KEY = Buffer.alloc(32, 7);
const PREVIOUS_KEY = Buffer.alloc(32, 9);
const shownDefault = (variable: Variable) => variable.default ?? variable.unset ?? 'none';

describe('loadConfig', () => {
  it('runs with nothing set: port 8080, an embedded SQLite file, JazzHR’s API, only Zapier targets', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'sqlite', path: './relay-data/relay.sqlite' },
      publicUrl: undefined,
      accessToken: undefined,
      jazzhrApiUrl: 'https://api.resumatorapi.com/v1',
      deliveryTimeoutMs: 10_000,
      retryBaseDelayMs: 10_000,
      retryWindowHours: 72,
      maxDeliveriesPerSecond: 10,
      pollIntervalMs: 1_000,
      allowedTargetHosts: ['hooks.zapier.com'],
      maxInflightBytes: 64 * 1024 * 1024,
      maxConnections: 1024,
      backlogAlertSeconds: 600,
      maxSubscriptionsPerConnection: 50,
      encryptionKey: undefined,
      encryptionKeyPrevious: undefined,
      keyRecheckSeconds: 3600,
      retentionDays: 30,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      RELAY_HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://relay:pw@db:5432/relay',
      RELAY_PUBLIC_URL: 'https://relay.example.com/',
      RELAY_ACCESS_TOKEN: 'a-long-random-token-value',
      JAZZHR_API_URL: 'http://127.0.0.1:4000/v1/',
      RELAY_DELIVERY_TIMEOUT_MS: '5000',
      RELAY_RETRY_BASE_DELAY_MS: '2000',
      RELAY_RETRY_WINDOW_HOURS: '0.5',
      RELAY_MAX_DELIVERIES_PER_SECOND: '25',
      RELAY_POLL_INTERVAL_MS: '250',
      RELAY_ALLOWED_TARGET_HOSTS: ' hooks.zapier.com, 127.0.0.1 ,',
      RELAY_MAX_INFLIGHT_BYTES: '33554432',
      RELAY_MAX_CONNECTIONS: '200',
      RELAY_METRICS_TOKEN: 'a-long-metrics-token',
      RELAY_OPERATOR_WEBHOOK_URL: 'https://hooks.zapier.com/hooks/catch/1/abc/',
      RELAY_OPERATOR_WEBHOOK_SECRET: 'a-long-alert-secret',
      RELAY_BACKLOG_ALERT_SECONDS: '120',
      RELAY_MAX_SUBSCRIPTIONS_PER_CONNECTION: '7',
      RELAY_ENCRYPTION_KEY: KEY.toString('base64'),
      RELAY_ENCRYPTION_KEY_PREVIOUS: ` ${PREVIOUS_KEY.toString('base64')}\n`,
      RELAY_KEY_RECHECK_SECONDS: '600',
      RELAY_RETENTION_DAYS: '0.5',
    });
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      database: { kind: 'postgres', url: 'postgres://relay:pw@db:5432/relay' },
      publicUrl: 'https://relay.example.com',
      accessToken: 'a-long-random-token-value',
      jazzhrApiUrl: 'http://127.0.0.1:4000/v1',
      deliveryTimeoutMs: 5000,
      retryBaseDelayMs: 2000,
      retryWindowHours: 0.5,
      maxDeliveriesPerSecond: 25,
      pollIntervalMs: 250,
      allowedTargetHosts: ['hooks.zapier.com', '127.0.0.1'],
      maxInflightBytes: 32 * 1024 * 1024,
      maxConnections: 200,
      metricsToken: 'a-long-metrics-token',
      operatorWebhookUrl: 'https://hooks.zapier.com/hooks/catch/1/abc',
      operatorWebhookSecret: 'a-long-alert-secret',
      backlogAlertSeconds: 120,
      maxSubscriptionsPerConnection: 7,
      encryptionKey: KEY,
      encryptionKeyPrevious: PREVIOUS_KEY,
      keyRecheckSeconds: 600,
      retentionDays: 0.5,
    });
  });

  it('treats empty variables as unset', () => {
    expect(
      loadConfig({ PORT: '', DATABASE_URL: '', RELAY_ACCESS_TOKEN: '', RELAY_PUBLIC_URL: '' }),
    ).toMatchObject({
      port: 8080,
      database: { kind: 'sqlite' },
      accessToken: undefined,
      publicUrl: undefined,
    });
  });

  it.each([
    ['sqlite:/var/lib/relay/relay.sqlite', { kind: 'sqlite', path: '/var/lib/relay/relay.sqlite' }],
    ['sqlite:relay.sqlite', { kind: 'sqlite', path: 'relay.sqlite' }],
    ['sqlite:///tmp/x.sqlite', { kind: 'sqlite', path: '/tmp/x.sqlite' }],
    ['postgresql://localhost/relay', { kind: 'postgres', url: 'postgresql://localhost/relay' }],
  ])('reads DATABASE_URL %s', (value, expected) => {
    expect(loadConfig({ DATABASE_URL: value }).database).toEqual(expected);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must be at most 65535'],
    [{ PORT: '80.5' }, 'PORT must be a whole number'],
    [{ DATABASE_URL: 'mysql://db/relay' }, 'DATABASE_URL must be sqlite:PATH'],
    [{ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL must be sqlite:PATH'],
    [
      { RELAY_PUBLIC_URL: 'relay.example.com' },
      'RELAY_PUBLIC_URL must be an http:// or https:// URL',
    ],
    [{ JAZZHR_API_URL: 'ftp://api' }, 'JAZZHR_API_URL must be an http:// or https:// URL'],
    [{ RELAY_ACCESS_TOKEN: 'short' }, 'RELAY_ACCESS_TOKEN must be at least 16 characters'],
    [
      { RELAY_ACCESS_TOKEN: 'has a space in the middle' },
      'RELAY_ACCESS_TOKEN must not contain spaces',
    ],
    [{ RELAY_DELIVERY_TIMEOUT_MS: '10' }, 'RELAY_DELIVERY_TIMEOUT_MS must be at least 100'],
    [{ RELAY_RETRY_BASE_DELAY_MS: '60000' }, 'RELAY_RETRY_BASE_DELAY_MS must be at most 30000'],
    [{ RELAY_POLL_INTERVAL_MS: '-1' }, 'RELAY_POLL_INTERVAL_MS must be at least 10'],
    [{ RELAY_RETRY_WINDOW_HOURS: '0' }, 'RELAY_RETRY_WINDOW_HOURS must be more than 0 hours'],
    [{ RELAY_RETRY_WINDOW_HOURS: 'a week' }, 'RELAY_RETRY_WINDOW_HOURS must be a number of hours'],
    [
      { RELAY_MAX_DELIVERIES_PER_SECOND: '2.5' },
      'RELAY_MAX_DELIVERIES_PER_SECOND must be a whole number',
    ],
    [
      { RELAY_MAX_DELIVERIES_PER_SECOND: '0' },
      'RELAY_MAX_DELIVERIES_PER_SECOND must be at least 1',
    ],
    [
      { RELAY_ALLOWED_TARGET_HOSTS: ' , ' },
      'RELAY_ALLOWED_TARGET_HOSTS must list at least one host',
    ],
    [
      { RELAY_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') },
      'RELAY_ENCRYPTION_KEY must be 32 random bytes in base64',
    ],
    [
      { RELAY_ENCRYPTION_KEY_PREVIOUS: 'ab'.repeat(32) },
      'RELAY_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes in base64',
    ],
    [{ RELAY_KEY_RECHECK_SECONDS: '10' }, 'RELAY_KEY_RECHECK_SECONDS must be at least 60'],
    [{ RELAY_RETENTION_DAYS: '0' }, 'RELAY_RETENTION_DAYS must be more than 0'],
    [{ RELAY_RETENTION_DAYS: 'forever' }, 'RELAY_RETENTION_DAYS must be a number'],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every problem at once, without echoing a secret-looking value', () => {
    let message = '';
    try {
      loadConfig({
        PORT: 'x',
        DATABASE_URL: 'mysql://user:hunter2@db/relay',
        RELAY_ACCESS_TOKEN: 'tiny',
        RELAY_ENCRYPTION_KEY: 'c2VjcmV0LWtleS1tYXRlcmlhbA==',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n- ')).toHaveLength(5);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('tiny');
    expect(message).not.toContain('c2VjcmV0LWtleS1tYXRlcmlhbA');
  });
});

describe('the table of variables', () => {
  it('gives every variable a meaning, and a default that parses (or says what unset means)', () => {
    for (const variable of variables) {
      expect(variable.meaning.length).toBeGreaterThan(10);
      expect(variable.default !== undefined || variable.unset !== undefined).toBe(true);
    }
    expect(() => loadConfig({})).not.toThrow();
  });

  it('is what --help prints: every variable with its default', () => {
    const help = describeVariables();
    for (const variable of variables)
      expect(help).toContain(`${variable.name}  (default: ${shownDefault(variable)})`);
    expect(help.split('\n').every((line) => line.length <= 100)).toBe(true);
  });

  it('is in step with the README’s relay table and .env.example', () => {
    const root = join(__dirname, '../..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readmeRows = new Map(
      [...readme.matchAll(/^\| `([A-Z_]+)` +\| ([^|]+?) +\|/gm)].map((row) => [row[1]!, row[2]!]),
    );
    for (const variable of variables) {
      expect([variable.name, readmeRows.get(variable.name)?.replaceAll('`', '')]).toEqual([
        variable.name,
        shownDefault(variable),
      ]);
      expect(example).toMatch(new RegExp(`^${variable.name}=$`, 'm'));
    }
  });
});

describe('isAllowedTargetHost', () => {
  it('allows listed hosts and their subdomains, and anything with *', () => {
    expect(isAllowedTargetHost('hooks.zapier.com', ['hooks.zapier.com'])).toBe(true);
    expect(isAllowedTargetHost('HOOKS.zapier.com', ['hooks.zapier.com'])).toBe(true);
    expect(isAllowedTargetHost('eu.hooks.zapier.com', ['hooks.zapier.com'])).toBe(true);
    expect(isAllowedTargetHost('evilhooks.zapier.com', ['hooks.zapier.com'])).toBe(false);
    expect(isAllowedTargetHost('hooks.zapier.com.evil.test', ['hooks.zapier.com'])).toBe(false);
    expect(isAllowedTargetHost('169.254.169.254', ['hooks.zapier.com'])).toBe(false);
    expect(isAllowedTargetHost('[::1]', ['::1'])).toBe(true);
    expect(isAllowedTargetHost('10.0.0.1', ['*'])).toBe(true);
  });
});
