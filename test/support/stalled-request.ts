import { connect } from 'node:net';

/** Sends the request head and `firstBytes` of a body announced as `announcedBytes`, then nothing; resolves with what the server answered and when it closed. */
export function stalledRequest(port: number, url: string, headers: Record<string, string>, firstBytes: Buffer, announcedBytes: number): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let sentAt = 0;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`The server kept a stalled request open for more than 20 s; it answered: ${Buffer.concat(received).toString()}`));
    }, 20_000);
    socket.on('connect', () => {
      const head = [`POST ${url} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${announcedBytes}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
      socket.write(head);
      socket.write(firstBytes, () => (sentAt = Date.now()));
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is the cut-off itself
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ answer: Buffer.concat(received).toString(), closedAfterMs: Date.now() - sentAt });
    });
  });
}
