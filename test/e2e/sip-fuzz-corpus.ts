/**
 * Malformed and hostile SIP input for the daemon's fuzz test, from a seeded generator so a failure can
 * be replayed: bad start lines, huge and folded header fields, wrong and negative Content-Length,
 * missing Via, duplicated and truncated fields, random bytes, and byte mutations of valid requests.
 */
import { prng } from '../helpers/prng.js';

export { prng };


const METHODS = ['INVITE', 'OPTIONS', 'REGISTER', 'MESSAGE', 'BYE', 'CANCEL', 'ACK', 'INFO', 'SUBSCRIBE', 'X'.repeat(300), '', 'INV ITE', 'invite'];

/** A well-formed request, the base of the mutations. */
export function validRequest(method: string, n: number, port: number, body = ''): string {
  return [
    `${method} sip:1391234${String(n % 10000).padStart(4, '0')}@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-fuzz-${n}`,
    `From: <sip:fuzz@127.0.0.1>;tag=f${n}`,
    `To: <sip:1391234${String(n % 10000).padStart(4, '0')}@127.0.0.1>`,
    `Call-ID: fuzz-${n}@127.0.0.1`,
    `CSeq: 1 ${method}`,
    'Max-Forwards: 70',
    ...(body ? ['Content-Type: text/plain'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

type Maker = (r: () => number, n: number, port: number) => Buffer;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function lines(req: string): string[] {
  return req.split('\r\n');
}

const MAKERS: Array<[string, Maker]> = [
  ['bad start line', (r, n, port) => {
    const starts = [`${pick(r, METHODS)} sip:x SIP/3.0`, 'SIP/2.0', 'INVITE', ' INVITE sip:a@b SIP/2.0', 'INVITE sip:a@b SIP/2.0 extra', 'INVITE <sip:a@b> SIP/2.0', `SIP/2.0 ${Math.floor(r() * 1e6)} OK`, 'SIP/2.0 -1 Bad', '\x00\x01\x02 sip:a SIP/2.0', 'GET / HTTP/1.1'];
    const l = lines(validRequest('OPTIONS', n, port));
    l[0] = pick(r, starts);
    return Buffer.from(l.join('\r\n'), 'latin1');
  }],
  ['huge header', (r, n, port) => {
    const l = lines(validRequest(pick(r, ['INVITE', 'OPTIONS', 'MESSAGE']), n, port));
    const size = pick(r, [4000, 16_000, 60_000]);
    l.splice(2, 0, `${pick(r, ['Subject', 'Via', 'To', 'X-Long', 'Contact'])}: ${'A'.repeat(size)}`);
    return Buffer.from(l.join('\r\n'), 'latin1');
  }],
  ['many headers', (r, n, port) => {
    const l = lines(validRequest('OPTIONS', n, port));
    const count = 200 + Math.floor(r() * 2000);
    l.splice(2, 0, ...Array.from({ length: count }, (_, i) => (r() < 0.5 ? `Via: SIP/2.0/UDP 10.0.0.${i % 255}:5060;branch=z9hG4bK${i}` : `X-H${i}: ${i}`)));
    return Buffer.from(l.join('\r\n').slice(0, 64_000), 'latin1');
  }],
  ['folded header', (r, n, port) => {
    const l = lines(validRequest('OPTIONS', n, port));
    const fold = Array.from({ length: 1 + Math.floor(r() * 500) }, () => pick(r, [' \t', '\r\n ', '\r\n\t', ' , '])).join('');
    l[3] = `To:${fold}<sip:a@b>${fold};tag=${fold}`;
    return Buffer.from(l.join('\r\n'), 'latin1');
  }],
  ['wrong Content-Length', (r, n, port) => {
    const body = 'x'.repeat(Math.floor(r() * 200));
    const req = validRequest('MESSAGE', n, port, body);
    const cl = pick(r, ['-1', '-99999999', '99999999999999999999', '1e3', '0x10', '', ' 5 5', String(body.length + 1 + Math.floor(r() * 1000)), '0']);
    return Buffer.from(req.replace(/Content-Length: \d+/, `Content-Length: ${cl}`), 'latin1');
  }],
  ['missing Via', (_r, n, port) => Buffer.from(validRequest('INVITE', n, port).replace(/Via:[^\r]*\r\n/, ''), 'latin1')],
  ['missing fields', (r, n, port) => {
    const l = lines(validRequest(pick(r, ['INVITE', 'OPTIONS', 'BYE', 'CANCEL']), n, port));
    const drop = 1 + Math.floor(r() * 6);
    l.splice(drop, 1);
    return Buffer.from(l.join('\r\n'), 'latin1');
  }],
  ['broken field values', (r, n, port) => {
    const l = lines(validRequest(pick(r, ['INVITE', 'MESSAGE', 'BYE']), n, port));
    const i = 1 + Math.floor(r() * 7);
    const junk = pick(r, ['"', '<', '>', ';;;', ',,,', '%', '%00', '\x00', '\xff\xfe', 'sip:', '@@', '[::1', 'SIP/2.0/', '99999999999999999999 INVITE']);
    l[i] = `${l[i]!.split(':')[0]}: ${junk}${l[i]!.slice(l[i]!.indexOf(':') + 1)}`;
    return Buffer.from(l.join('\r\n'), 'latin1');
  }],
  ['truncated', (r, n, port) => {
    const b = Buffer.from(validRequest(pick(r, ['INVITE', 'OPTIONS']), n, port));
    return b.subarray(0, Math.floor(r() * b.length));
  }],
  ['random bytes', (r) => Buffer.from(Array.from({ length: 1 + Math.floor(r() * 1500) }, () => Math.floor(r() * 256)))],
  ['byte mutation', (r, n, port) => {
    const b = Buffer.from(validRequest(pick(r, ['INVITE', 'OPTIONS', 'MESSAGE', 'REGISTER']), n, port, r() < 0.5 ? 'hello' : ''));
    for (let k = 0; k < 1 + Math.floor(r() * 8); k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
    return b;
  }],
  ['CRLF and blank', (r) => Buffer.from(pick(r, ['\r\n', '\r\n\r\n', '\n', ' ', '\r\n'.repeat(1000), '\0'.repeat(100)]), 'latin1')],
];

/** The `n`-th hostile datagram: its kind and bytes. */
export function hostileDatagram(r: () => number, n: number, port: number): { kind: string; bytes: Buffer } {
  const [kind, make] = MAKERS[n % MAKERS.length]!;
  return { kind, bytes: make(r, n, port) };
}
