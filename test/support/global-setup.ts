import { startTestCluster, type TestCluster } from './postgres';

declare global {
  var __PG_CLUSTER__: TestCluster | undefined;
}

/**
 * Starts one PostgreSQL cluster for the whole run and hands its URL to the test workers
 * through TEST_DATABASE_URL. A URL given from outside is used as it is.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const cluster = await startTestCluster();
  if (!cluster) {
    if (process.env.CI)
      throw new Error('PostgreSQL is not installed; .ci/run should have installed it.');
    console.warn('\nPostgreSQL not found: the PostgreSQL store tests will be skipped.\n');
    return;
  }
  globalThis.__PG_CLUSTER__ = cluster;
  process.env.TEST_DATABASE_URL = cluster.url;
}
