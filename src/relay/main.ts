/** `npm run relay`: configuration from the environment, JSON-lines logs on stdout. */
// First: on an old Node it prints one line and exits before anything needing Node 22 loads.
import './node-version';

import { parseArgs } from 'node:util';

import { ConfigError, describeVariables, loadConfig, type RelayConfig } from './config';
import { EncryptionKeyError } from './encryption';
import { createJsonLogger, errorFields } from './logger';
import { StartupError, reencryptStore, startRelay, type RunningRelay } from './relay';

const USAGE = `Usage: npm run relay [-- --help | -- reencrypt]

Runs the subscription relay: JazzHR posts Candidate Exports to it, and it delivers them to the
Zaps subscribed. Options:
  -h, --help  print this help and exit
  reencrypt   rewrite every stored secret and export under RELAY_ENCRYPTION_KEY (reading
              RELAY_ENCRYPTION_KEY_PREVIOUS), then exit; safe while the relay runs

It is configured by these environment variables (unset or empty means the default):
${describeVariables()}`;

/** --help prints the usage; anything else on the command line is a mistake worth saying. */
function readArguments(argv: string[]): 'serve' | 'reencrypt' {
  const command = argv[0] === 'reencrypt' ? 'reencrypt' : 'serve';
  let help: boolean | undefined;
  try {
    const args = command === 'reencrypt' ? argv.slice(1) : argv;
    help = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } }).values.help;
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${problem}. See \`npm run relay -- --help\`.\n`);
    process.exit(2);
  }
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return command;
}

/** `reencrypt`: every sealed value not under the current key is sealed again, then the process exits. */
async function reencrypt(config: RelayConfig): Promise<void> {
  const logger = createJsonLogger();
  try {
    const counts = await reencryptStore(config, logger);
    logger.info('reencrypted', { ...counts });
    process.exit(0);
  } catch (error) {
    logger.error('reencrypt failed', errorFields(error));
    process.stderr.write(`Reencrypting failed: ${startFailure(error, config)}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const command = readArguments(process.argv.slice(2));
  let config: RelayConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  if (command === 'reencrypt') return reencrypt(config);
  const logger = createJsonLogger();
  let relay: RunningRelay;
  try {
    relay = await startRelay(config, { logger });
  } catch (error) {
    logger.error('relay failed to start', errorFields(error));
    process.stderr.write(`The relay could not start: ${startFailure(error, config)}\n`);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal, exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    relay.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function startFailure(error: unknown, config: RelayConfig): string {
  if (error instanceof StartupError && error.cause instanceof EncryptionKeyError) {
    return error.cause.message;
  }
  if (!(error instanceof StartupError))
    return error instanceof Error ? error.message : String(error);
  const code = error.code ?? (error.cause instanceof Error ? error.cause.name : 'error');
  if (error.step === 'listen') {
    if (code === 'EADDRINUSE')
      return `port ${config.port} is already in use; set PORT to a free one.`;
    if (code === 'EACCES')
      return `no permission to listen on port ${config.port}; set PORT above 1023.`;
    return `could not listen on ${config.host}:${config.port} (${code}). Check RELAY_HOST and PORT.`;
  }
  if (config.database.kind === 'postgres') {
    return `could not open the PostgreSQL database named by DATABASE_URL (${code}). Check that it is running and reachable and that the user may create tables.`;
  }
  return `could not open the SQLite file ${config.database.path} (${error.message}). Check the path in DATABASE_URL and that its directory can be created and written by this user.`;
}

void main();
