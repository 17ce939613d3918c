/**
 * A SIP endpoint on real UDP and TCP transports on 127.0.0.1, and a plain-socket peer that writes
 * requests by hand and reads what comes back, for the core tests.
 */
import { createSocket, type Socket } from 'node:dgram';
import { parseSipMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import { SipTransportSet, TcpTransport, UdpTransport } from '../../../src/sip/transport/index.js';
import { SipEndpoint, type SipEndpointOptions } from '../../../src/sip/core/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';

export interface CoreEndpoint {
  readonly endpoint: SipEndpoint;
  readonly udpPort: number;
  readonly tcpPort: number;
  close(): Promise<void>;
}

export async function startEndpoint(options: Partial<Omit<SipEndpointOptions, 'transports' | 'local' | 'log'>> = {}): Promise<CoreEndpoint> {
  const udp = new UdpTransport({ version: 'test', log: silentLogger() });
  const tcp = new TcpTransport({ version: 'test', log: silentLogger() });
  const transports = new SipTransportSet([udp, tcp]);
  const udpPort = (await udp.listen('127.0.0.1', 0)).port;
  const tcpPort = (await tcp.listen('127.0.0.1', 0)).port;
  let endpoint: SipEndpoint;
  try {
    endpoint = new SipEndpoint({
      transports,
      log: silentLogger(),
      local: { version: 'test', via: { transport: 'UDP', host: '127.0.0.1', port: udpPort }, contact: `<sip:gw@127.0.0.1:${udpPort}>` },
      ...options,
    });
  } catch (error) {
    await transports.close();
    throw error;
  }
  return { endpoint, udpPort, tcpPort, close: () => endpoint.close() };
}

/** A UDP peer: sends text, keeps every parsed message it gets. */
export interface SipPeer {
  readonly host: string;
  readonly port: number;
  readonly messages: SipMessage[];
  send(text: string, port: number): Promise<void>;
  /** Waits for a response with this status (and CSeq method when given). */
  response(status: number, method?: string, timeoutMs?: number): Promise<SipResponse>;
  request(method: string, timeoutMs?: number): Promise<SipRequest>;
  responses(status: number): SipResponse[];
  close(): Promise<void>;
}

export async function sipPeer(host = '127.0.0.1'): Promise<SipPeer> {
  const socket: Socket = createSocket('udp4');
  const messages: SipMessage[] = [];
  socket.on('message', (bytes) => {
    const parsed = parseSipMessage(bytes);
    if (parsed.ok) messages.push(parsed.message);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const responses = (status: number, method?: string): SipResponse[] =>
    messages.filter((m): m is SipResponse => m.kind === 'response' && m.statusCode === status && (method === undefined || m.cseq?.method === method));
  return {
    host,
    port: socket.address().port,
    messages,
    send: (text, port) => new Promise((resolve, reject) => socket.send(Buffer.from(text, 'utf8'), port, '127.0.0.1', (e) => (e ? reject(e) : resolve()))),
    async response(status, method, timeoutMs = 3000) {
      await waitUntil(() => responses(status, method).length > 0, timeoutMs, `a ${status} ${method ?? ''}`);
      return responses(status, method)[0]!;
    },
    async request(method, timeoutMs = 3000) {
      const find = () => messages.find((m): m is SipRequest => m.kind === 'request' && m.method === method);
      await waitUntil(() => find() !== undefined, timeoutMs, `a ${method}`);
      return find()!;
    },
    responses: (status) => responses(status),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export interface RequestText {
  readonly method: string;
  readonly peer: { host: string; port: number };
  readonly transport?: 'UDP' | 'TCP';
  readonly branch: string;
  readonly callId: string;
  readonly cseq?: number;
  readonly cseqMethod?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly uri?: string;
  readonly extra?: readonly string[];
  readonly body?: string;
}

/** A request as a peer writes it. */
export function requestText(r: RequestText): string {
  const body = r.body ?? '';
  const lines = [
    `${r.method} ${r.uri ?? 'sip:gw@127.0.0.1'} SIP/2.0`,
    `Via: SIP/2.0/${r.transport ?? 'UDP'} ${r.peer.host}:${r.peer.port};branch=${r.branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=${r.fromTag ?? 'alice1'}`,
    `To: <sip:gw@127.0.0.1>${r.toTag === undefined ? '' : `;tag=${r.toTag}`}`,
    `Call-ID: ${r.callId}`,
    `CSeq: ${r.cseq ?? 1} ${r.cseqMethod ?? r.method}`,
    `Contact: <sip:alice@${r.peer.host}:${r.peer.port}>`,
    ...(r.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body, 'utf8')}`,
  ];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

/** A response as a peer writes it, copying the request's Via, From, Call-ID and CSeq (§8.2.6.2). */
export function responseText(request: SipRequest, status: number, reason: string, toTag: string | undefined, extra: readonly string[] = []): string {
  const to = request.headers.get('to')!;
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...request.headers.getAll('via').map((v) => `Via: ${v}`),
    `From: ${request.headers.get('from')}`,
    `To: ${toTag === undefined || /;tag=/.test(to) ? to : `${to};tag=${toTag}`}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.headers.get('cseq')}`,
    ...extra,
    'Content-Length: 0',
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}
