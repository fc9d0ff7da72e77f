import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';

import { GroupCommit } from '../../src/relay/store/group-commit';

/**
 * The relay-throughput floor: the least any durable relay does per export. It stores the
 * body in SQLite with the relay's group commit (synchronous=FULL, WAL), answers 200 once the
 * commit is on disk, POSTs the body to TARGET_URL over a keep-alive connection, and records
 * the delivery. No signature check, parsing, dedupe, retries or leases. Run as its own
 * process (node dist/bench/servers/floor-relay.js) with DATABASE_PATH and TARGET_URL; the
 * port is announced on stdout as {"listening": port}.
 */

function open(path: string, synchronous: 'FULL' | 'NORMAL'): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  return db;
}

const db = open(process.env.DATABASE_PATH!, 'FULL');
db.exec(`CREATE TABLE IF NOT EXISTS exports (
  id INTEGER PRIMARY KEY, uuid TEXT, body BLOB NOT NULL, delivered_at INTEGER)`);
const outcomes = open(process.env.DATABASE_PATH!, 'NORMAL');
const insert = db.prepare('INSERT INTO exports (uuid, body) VALUES (?, ?)');
const markDelivered = outcomes.prepare('UPDATE exports SET delivered_at = ? WHERE id = ?');
const ingest = new GroupCommit(db, ({ uuid, body }: { uuid: string; body: Buffer }) =>
  Number(insert.run(uuid, body).lastInsertRowid),
);

const target = new URL(process.env.TARGET_URL!);
const agent = new Agent({ keepAlive: true, maxSockets: 10 });

function deliver(id: number, uuid: string, body: Buffer): void {
  const headers = { 'content-type': 'application/json', 'x-jazzhr-uuid': uuid };
  const outgoing = request(target, { method: 'POST', agent, headers }, (answer) => {
    answer.resume();
    answer.on('end', () => markDelivered.run(Date.now(), id));
  });
  outgoing.on('error', () => undefined);
  outgoing.end(body);
}

const server = createServer((incoming, response) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('end', () => {
    const body = Buffer.concat(chunks);
    const uuid = String(incoming.headers['x-jazzhr-uuid'] ?? '');
    ingest.submit({ uuid, body }).then(
      (id) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        deliver(id, uuid, body);
      },
      () => response.writeHead(500).end(),
    );
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: (server.address() as AddressInfo).port }));
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
