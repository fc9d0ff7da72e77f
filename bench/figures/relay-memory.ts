import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../test/support/ports';
import { fromDist, fromRoot } from '../lib/paths';
import { startNode, type Child } from '../lib/processes';
import { measured, notMeasured, type Row } from '../lib/results';
import { STANDIN_API_KEY, startJazzhrStandin } from '../standins/jazzhr';

const FIGURE = 'relay memory';
const UPLOADS = 100;
const UPLOAD_BYTES = Math.round(9.5 * 1024 * 1024);
const MAX_INFLIGHT_BYTES = 64 * 1024 * 1024;
const HOLD_MS = 8_000;
const MB = 1024 * 1024;
/** All but the last byte of every upload: one buffer shared by all of them. */
const UPLOAD_BODY = Buffer.alloc(UPLOAD_BYTES - 1, 0x20);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process, in bytes, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) * 1024;
}

/**
 * Issue 10's memory figure: the relay's RSS while 100 unfinished 9.5 MB uploads are held open,
 * against its idle RSS. Each upload sends all but its last byte and then holds still; uploads
 * past RELAY_MAX_INFLIGHT_BYTES should get 503 before their body is read, and once every upload
 * is gone a normal export should get 200 again.
 */
export async function relayMemory(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jazzhr-bench-memory-'));
  const standin = await startJazzhrStandin(5);
  let relay: Child | undefined;
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    relay = await startNode(fromDist('src', 'relay', 'main.js'), {
      env: {
        PORT: String(port),
        RELAY_HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'relay.sqlite')}`,
        JAZZHR_API_URL: standin.apiUrl,
        RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
        RELAY_MAX_INFLIGHT_BYTES: String(MAX_INFLIGHT_BYTES),
      },
      ready: { healthUrl: `${base}/healthz` },
      timeoutMs: 30_000,
      logFile: join(dir, 'relay.log'),
    });
    return await measureHeldUploads(base, relay.pid);
  } catch (error) {
    return [notMeasured(FIGURE, 'RSS above idle', `the run failed: ${(error as Error).message}`)];
  } finally {
    await relay?.stop();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureHeldUploads(base: string, pid: number): Promise<Row[]> {
  const connection = (await (
    await fetch(`${base}/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STANDIN_API_KEY}` },
    })
  ).json()) as { id: string; secret: string };
  const exportOnce = async (uuid: string) => {
    const body = readFileSync(fromRoot('test', 'fixtures', 'relay', 'candidate-export.json'));
    const response = await fetch(`${base}/hooks/jazzhr/${connection.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-jazzhr-event': 'CANDIDATE-EXPORT',
        'x-jazzhr-uuid': uuid,
        'x-jazzhr-signature': createHmac('sha256', connection.secret).update(body).digest('hex'),
      },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  };
  for (let i = 0; i < 20; i += 1) await exportOnce(`warm-${i}`);
  await sleep(1_000);
  const idle = rssOf(pid);

  const uploads = Array.from({ length: UPLOADS }, () =>
    heldUpload(base, `/hooks/jazzhr/${connection.id}`),
  );
  let peak = idle;
  const until = Date.now() + HOLD_MS;
  while (Date.now() < until) {
    peak = Math.max(peak, rssOf(pid));
    await sleep(100);
  }
  // Counted by the relay: a client busy sending can lose an answer it had not read yet when the
  // relay then resets the connection, so the uploads' own view undercounts.
  const refused = await overloadedCount(base);
  const answered503 = uploads.filter((upload) => upload.status() === 503).length;
  for (const upload of uploads) upload.socket.destroy();
  await sleep(1_000);
  const after = await exportOnce('after-uploads');
  const details = {
    idleRssMb: Math.round(idle / MB),
    peakRssMb: Math.round(peak / MB),
    uploads: UPLOADS,
    uploadMb: 9.5,
    maxInflightMb: MAX_INFLIGHT_BYTES / MB,
    refused503: refused,
    answered503SeenByClients: answered503,
    normalExportAfterwards: after,
  };
  return [
    measured({
      figure: FIGURE,
      metric: `RSS above idle while ${UPLOADS} unfinished 9.5 MB uploads are held open`,
      unit: 'MB',
      value: (peak - idle) / MB,
      baseline: idle / MB,
      baselineLabel: 'idle RSS (MB)',
      goal: { on: 'value', op: '<=', target: MAX_INFLIGHT_BYTES / MB + 50 },
      details,
    }),
    measured({
      figure: FIGURE,
      metric: 'uploads past RELAY_MAX_INFLIGHT_BYTES answered 503 meanwhile',
      unit: 'uploads',
      value: refused,
      baseline: UPLOADS - Math.floor(MAX_INFLIGHT_BYTES / UPLOAD_BYTES),
      baselineLabel: 'uploads past the cap',
      goal: { on: 'ratio', op: '>=', target: 1 },
      details,
    }),
    measured({
      figure: FIGURE,
      metric: 'a normal export once the uploads closed: HTTP status',
      unit: 'status',
      value: after,
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', op: '==', target: 200 },
      details,
    }),
  ];
}

async function overloadedCount(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(
    /^relay_exports_received_total\{outcome="overloaded"\} (\d+)/m.exec(text)?.[1] ?? 0,
  );
}

/** Sends the head and all but the last byte of a 9.5 MB body, then holds the connection open. */
function heldUpload(base: string, path: string): { socket: Socket; status: () => number } {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  let answer = '';
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('connect', () => {
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nX-JazzHR-Event: CANDIDATE-EXPORT\r\nX-JazzHR-Signature: 00\r\nContent-Length: ${UPLOAD_BYTES}\r\n\r\n`,
    );
    socket.write(UPLOAD_BODY);
  });
  return {
    socket,
    status: () => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0),
  };
}
