import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

import { nodeVersionProblem } from '../../src/relay/node-version';
import { MAIN_JS, assertBuilt } from './support/process';

describe('the Node version check', () => {
  it('passes Node 22 and later, and tells an older one what to run instead', () => {
    expect(nodeVersionProblem('22.0.0')).toBeUndefined();
    expect(nodeVersionProblem('24.1.0')).toBeUndefined();
    const problem = nodeVersionProblem('20.19.2');
    expect(problem).toContain('needs Node 22 or newer, and this is Node 20.19.2');
    expect(problem).toContain('`npm run relay`');
    expect(problem).not.toContain('\n');
  });

  /** A `node` on PATH outside node_modules (the system's), when it is older than 22. */
  function olderSystemNode(): string | undefined {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir || dir.includes('node_modules')) continue;
      const version = spawnSync(join(dir, 'node'), ['--version'], { encoding: 'utf8' });
      if (version.status === 0 && Number(/^v(\d+)/.exec(version.stdout)?.[1]) < 22)
        return join(dir, 'node');
    }
    return undefined;
  }
  const oldNode = olderSystemNode();

  (oldNode ? it : it.skip)('started on an older Node, the relay prints that one line', () => {
    assertBuilt();
    const result = spawnSync(oldNode!, [MAIN_JS], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^The relay needs Node 22 or newer, and this is Node \d+\.\d+\.\d+\. Start it with `npm run relay`[^\n]*\n$/,
    );
  });
});
