/**
 * Plain sockets playing the far SIP peer in the transport tests: a UDP socket that collects datagrams,
 * a TCP/TLS client that collects bytes and notices when the other side closes, and a wait helper.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface UdpPeer {
  readonly port: number;
  readonly received: Array<{ bytes: Buffer; port: number }>;
  send(bytes: Buffer | string, port: number): Promise<void>;
  close(): Promise<void>;
}

export async function udpPeer(): Promise<UdpPeer> {
  const socket: UdpSocket = createSocket('udp4');
  const received: Array<{ bytes: Buffer; port: number }> = [];
  socket.on('message', (bytes, info) => received.push({ bytes, port: info.port }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    send: (bytes, port) => new Promise((resolve, reject) => socket.send(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export interface StreamPeer {
  readonly socket: Socket;
  /** Everything received so far. */
  text(): string;
  readonly closed: () => boolean;
  write(bytes: Buffer | string): void;
  close(): void;
}

function wrap(socket: Socket): StreamPeer {
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  return {
    socket,
    text: () => Buffer.concat(chunks).toString('utf8'),
    closed: () => closed,
    write: (bytes) => socket.write(bytes),
    close: () => socket.destroy(),
  };
}

export function tcpPeer(port: number): Promise<StreamPeer> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => resolve(wrap(socket)));
    socket.once('error', reject);
  });
}

export function tlsPeer(port: number, ca: string | Buffer): Promise<StreamPeer> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca }, () => resolve(wrap(socket)));
    socket.once('error', reject);
  });
}

/** A SIP request as a peer would write it; `via` is the top Via value. */
export function sipRequest(method: string, via: string, extra: { callId?: string; body?: string; contentLength?: boolean } = {}): string {
  const body = extra.body ?? '';
  const lines = [
    `${method} sip:gw@127.0.0.1 SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:gw@127.0.0.1>',
    `Call-ID: ${extra.callId ?? 'call-1'}`,
    `CSeq: 1 ${method}`,
  ];
  if (extra.contentLength !== false) lines.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}
