/**
 * main.ts's first import: on a Node older than the project's, one line saying what to do,
 * instead of the stack trace node:sqlite's import would print a moment later.
 */
import { engines } from '../../package.json';

const REQUIRED_MAJOR = Number(/\d+/.exec(engines.node)?.[0]);

/** The line to print when `version` (e.g. "20.19.0") is too old to run the relay; undefined when it is fine. */
export function nodeVersionProblem(version: string): string | undefined {
  if (Number(version.split('.')[0]) >= REQUIRED_MAJOR) return undefined;
  return `The relay needs Node ${REQUIRED_MAJOR} or newer, and this is Node ${version}. Start it with \`npm run relay\`, which uses the Node ${REQUIRED_MAJOR} that \`npm install\` puts in node_modules, or install Node ${REQUIRED_MAJOR} from https://nodejs.org.`;
}

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
