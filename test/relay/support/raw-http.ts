import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** 0 when the connection closed without an answer. */
  status: number;
  /** The status line and headers as sent. */
  head: string;
}

/**
 * Writes `head` (a request line and headers, sent byte for byte) to the relay at `url` and
 * resolves with the answer, without ever sending a body.
 */
export function rawRequest(url: string, head: string, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = openSocket(url);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(head.split('\r\n')[0])} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(answer));
    });
  });
}

/** A connection that sends `head` and `first` and then holds still, as a slow or stalled client does. */
export function heldUpload(url: string, head: string, first: Buffer | string = '') {
  const socket = openSocket(url);
  let answer = '';
  socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(head), Buffer.from(first)])));
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  const closed = new Promise<RawAnswer>((resolve) =>
    socket.on('close', () => resolve(parseAnswer(answer))),
  );
  return { socket, closed };
}

export function uploadHead(
  path: string,
  contentLength: number,
  headers: Record<string, string> = {},
) {
  const lines = Object.entries({
    Host: 'relay',
    'Content-Length': String(contentLength),
    ...headers,
  });
  return `POST ${path} HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

function openSocket(url: string): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  return socket;
}

function parseAnswer(answer: string): RawAnswer {
  const head = answer.split('\r\n\r\n')[0] ?? '';
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head };
}
