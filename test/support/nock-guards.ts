import nock from 'nock';

interface SeenRequest {
  method?: string;
  path?: string;
  host?: string;
}

/** A request as "GET /v1/…", without the query (which holds the key). */
export function requestLine(req: SeenRequest): string {
  return `${req.method ?? 'GET'} ${(req.path ?? '').split('?')[0]}`;
}

const afterThisTest: (() => void)[] = [];

/**
 * Requests no mock answered in the current test, as requestLine gives them: a stray detail
 * fetch shows up here even if the code under test swallowed its failure.
 */
export function recordUnmatched(): string[] {
  const seen: string[] = [];
  const record = (req: SeenRequest) => seen.push(requestLine(req));
  nock.emitter.on('no match', record);
  afterThisTest.push(() => nock.emitter.removeListener('no match', record));
  return seen;
}

/**
 * No real network in this file; fails a test that leaves a mock unused (the code under test
 * skipped a request it should have made) or sends a request no mock answered (code that
 * swallows a failed request would otherwise hide it).
 */
export function installNockGuards(): void {
  const unmatched: string[] = [];
  const record = (req: SeenRequest) => {
    // Connections a test lets through on purpose (nock.enableNetConnect) are not strays.
    if (req.host?.startsWith('127.0.0.1')) return;
    unmatched.push(requestLine(req));
  };
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', record);
  });
  afterEach(() => {
    while (afterThisTest.length > 0) afterThisTest.pop()?.();
    const pending = nock.pendingMocks();
    const stray = unmatched.splice(0);
    nock.cleanAll();
    expect({ pending, stray }).toEqual({ pending: [], stray: [] });
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', record);
    nock.enableNetConnect();
  });
}
