import { connect } from 'node:net';

/**
 * Writes `head` (a request line and headers, sent byte for byte) to the relay at `url` and
 * resolves with the answer's status, or 0 when the connection closes without one.
 */
export function rawRequest(url: string, head: string, timeoutMs = 5_000): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(head.split('\r\n')[0])} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0));
    });
  });
}
