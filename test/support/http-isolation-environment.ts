import http from 'node:http';
import https from 'node:https';

import NodeEnvironment from 'jest-environment-node';

/**
 * Jest gives every test file fresh modules, but a worker's test files all share the `http`
 * and `https` core modules and the `Headers` class. nock (through @mswjs/interceptors) and
 * Zapier's logging patch replace functions on those when a file loads them and never put
 * them back, so the next file's nock wraps the previous file's: requests then pass through
 * stale interceptors, `replyWithError` errors escape, streamed bodies are cut short and
 * `https.get(url, callback)` throws. This environment puts every property of those shared
 * objects back the way they were before the worker's first test file, after each file,
 * whatever the file did or failed to clean up.
 */
type Snapshot = Map<object, Map<PropertyKey, PropertyDescriptor>>;

const SNAPSHOT_KEY = Symbol.for('jazzhr-zapier.test.pristine-http');

function sharedObjects(): object[] {
  return [http, https, Headers, Headers.prototype];
}

function describeOwn(target: object): Map<PropertyKey, PropertyDescriptor> {
  return new Map(
    Reflect.ownKeys(target).map((key) => [key, Reflect.getOwnPropertyDescriptor(target, key)!]),
  );
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return a.value === b.value && a.get === b.get && a.set === b.set;
}

/**
 * The state before the worker's first test file, kept on the http module itself: unlike
 * `process` (a copy in each test file), it is the one object the environment and every
 * test file share.
 */
function pristineSnapshot(): Snapshot {
  const holder = http as unknown as Record<symbol, Snapshot | undefined>;
  holder[SNAPSHOT_KEY] ??= new Map(sharedObjects().map((target) => [target, describeOwn(target)]));
  return holder[SNAPSHOT_KEY];
}

/** Puts back changed and removes added properties; returns what it had to put back. */
export function restoreSharedHttpState(): string[] {
  const restored: string[] = [];
  for (const [target, original] of pristineSnapshot()) {
    const name = target === http ? 'http' : target === https ? 'https' : 'Headers';
    for (const key of Reflect.ownKeys(target)) {
      if (original.has(key) || key === SNAPSHOT_KEY) continue;
      Reflect.deleteProperty(target, key);
      restored.push(`${name}.${String(key)}`);
    }
    for (const [key, descriptor] of original) {
      const current = Reflect.getOwnPropertyDescriptor(target, key);
      if (current && sameDescriptor(current, descriptor)) continue;
      Reflect.defineProperty(target, key, descriptor);
      restored.push(`${name}.${String(key)}`);
    }
  }
  return restored;
}

export default class HttpIsolationEnvironment extends NodeEnvironment {
  override async setup(): Promise<void> {
    // A worker whose previous file crashed before teardown still starts this file clean.
    restoreSharedHttpState();
    await super.setup();
  }

  override async teardown(): Promise<void> {
    restoreSharedHttpState();
    await super.teardown();
  }
}
