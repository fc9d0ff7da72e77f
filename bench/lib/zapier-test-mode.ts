/**
 * zapier-platform-core decides once, when first loaded, whether it runs under test: only then
 * does it stop printing a memory line per call and apply its output checks strictly, as in the
 * team's jest runs. Imported first by run.ts, before anything loads zapier-platform-core.
 * Child processes get their own environment without it (see processes.ts, cold-start.ts).
 */
export const parentNodeEnv = process.env.NODE_ENV;
process.env.NODE_ENV = 'test';

/** The environment for a child process: this one's, minus the test mode set above. */
export function childProcessEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (parentNodeEnv === undefined) delete env.NODE_ENV;
  else env.NODE_ENV = parentNodeEnv;
  return env;
}
