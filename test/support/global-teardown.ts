export default async function globalTeardown(): Promise<void> {
  globalThis.__PG_CLUSTER__?.stop();
}
