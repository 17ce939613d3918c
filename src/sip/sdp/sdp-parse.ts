/**
 * SDP parser (RFC 4566): text or bytes in, a typed description or a typed error out; it never throws.
 *
 * Lenient where real peers differ (LF-only line ends, unknown line types and attributes, a missing
 * t= or s=), strict where a wrong guess would send audio to the wrong place (m=, c=, o=). Bounded:
 * the body size, the line count and the number of media sections are capped before any work.
 */

export interface SdpConnection {
  /** IP4 or IP6 (RFC 4566 §5.7); anything else is refused. */
  addrType: 'IP4' | 'IP6';
  address: string;
}

export interface SdpOrigin {
  username: string;
  /** Numeric strings: they can exceed 2^53 (RFC 4566 §5.2 suggests NTP timestamps). */
  sessId: string;
  sessVersion: string;
  addrType: string;
  address: string;
}

export interface SdpRtpMap {
  encoding: string;
  clockRate: number;
  channels: number | null;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpMedia {
  type: string;
  port: number;
  proto: string;
  /** Payload type numbers for RTP profiles, as text in offer order. */
  formats: string[];
  connection: SdpConnection | null;
  /** a=rtpmap by payload type. */
  rtpmaps: Map<string, SdpRtpMap>;
  /** a=fmtp by payload type (the parameter text). */
  fmtps: Map<string, string>;
  /** The media-level direction attribute, if any (session level is on SdpDescription). */
  direction: SdpDirection | null;
  ptime: number | null;
  /** Every a= line of the section, name and value (value null for flags). */
  attributes: Array<{ name: string; value: string | null }>;
}

export interface SdpDescription {
  origin: SdpOrigin;
  sessionName: string;
  connection: SdpConnection | null;
  direction: SdpDirection | null;
  media: SdpMedia[];
}

export type SdpErrorCode = 'too-large' | 'empty' | 'bad-line' | 'bad-version' | 'bad-origin' | 'bad-connection' | 'bad-media' | 'missing-connection' | 'too-many-media';

export interface SdpError {
  code: SdpErrorCode;
  /** 1-based line number, 0 when it concerns the whole body. */
  line: number;
  message: string;
}

export type SdpParseResult = { ok: true; sdp: SdpDescription } | { ok: false; error: SdpError };

export const SDP_LIMITS = { maxBytes: 16 * 1024, maxLines: 1000, maxMedia: 16, maxFormats: 64 } as const;

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const decoder = new TextDecoder('utf-8', { fatal: false });

function fail(code: SdpErrorCode, line: number, message: string): SdpParseResult {
  return { ok: false, error: { code, line, message } };
}

/** c=<nettype> <addrtype> <address> (RFC 4566 §5.7); the TTL/count suffix of multicast is dropped. */
function parseConnection(value: string): SdpConnection | null {
  const parts = value.split(' ').filter((p) => p !== '');
  if (parts.length !== 3 || parts[0] !== 'IN') return null;
  const addrType = parts[1];
  const address = parts[2]!.split('/')[0]!;
  if (addrType === 'IP4' && /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && address.split('.').every((o) => Number(o) <= 255)) return { addrType, address };
  if (addrType === 'IP6' && /^[0-9A-Fa-f:.]{2,45}$/.test(address) && address.includes(':')) return { addrType, address };
  // A host name is allowed by the grammar but cannot be used without a resolver; refuse it.
  return null;
}

function parseOrigin(value: string): SdpOrigin | null {
  const parts = value.split(' ').filter((p) => p !== '');
  if (parts.length !== 6 || !/^\d{1,20}$/.test(parts[1]!) || !/^\d{1,20}$/.test(parts[2]!)) return null;
  return { username: parts[0]!, sessId: parts[1]!, sessVersion: parts[2]!, addrType: parts[4]!, address: parts[5]! };
}

/** m=<media> <port>[/<count>] <proto> <fmt> ... (RFC 4566 §5.14). */
function parseMediaLine(value: string): Omit<SdpMedia, 'connection' | 'rtpmaps' | 'fmtps' | 'direction' | 'ptime' | 'attributes'> | null {
  const parts = value.split(' ').filter((p) => p !== '');
  if (parts.length < 3) return null;
  const portText = parts[1]!.split('/')[0]!;
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  const formats = parts.slice(3);
  if (formats.length > SDP_LIMITS.maxFormats) return null;
  if (!/^[a-z][a-z0-9-]{0,31}$/i.test(parts[0]!)) return null;
  return { type: parts[0]!.toLowerCase(), port: Number(portText), proto: parts[2]!, formats };
}

/** a=rtpmap:<pt> <encoding>/<clock>[/<channels>] (RFC 4566 §6). */
function parseRtpMap(value: string): [string, SdpRtpMap] | null {
  const m = /^(\d{1,3}) +([^/ ]+)\/(\d{1,9})(?:\/(\d{1,3}))?\s*$/.exec(value);
  if (!m) return null;
  return [m[1]!, { encoding: m[2]!, clockRate: Number(m[3]), channels: m[4] === undefined ? null : Number(m[4]) }];
}

function applyAttribute(media: SdpMedia | null, desc: { direction: SdpDirection | null }, name: string, value: string | null): void {
  if (DIRECTIONS.has(name) && value === null) {
    if (media) media.direction = name as SdpDirection;
    else desc.direction = name as SdpDirection;
    return;
  }
  if (!media || value === null) return;
  if (name === 'rtpmap') {
    const r = parseRtpMap(value);
    if (r && !media.rtpmaps.has(r[0])) media.rtpmaps.set(r[0], r[1]);
  } else if (name === 'fmtp') {
    const m = /^(\d{1,3}) +(.*)$/.exec(value);
    if (m && !media.fmtps.has(m[1]!)) media.fmtps.set(m[1]!, m[2]!.trim());
  } else if (name === 'ptime' && /^\d{1,4}(\.\d+)?$/.test(value.trim())) {
    media.ptime = Number(value.trim());
  }
}

/** Parses an SDP body. Never throws: anything it cannot use comes back as a typed error. */
export function parseSdp(input: string | Uint8Array): SdpParseResult {
  try {
    return parseUnsafe(input);
  } catch (e) {
    // Defensive only: every branch above returns; a bug must not take the call down with it.
    return fail('bad-line', 0, `unparseable SDP (${e instanceof Error ? e.message : String(e)})`);
  }
}

function parseUnsafe(input: string | Uint8Array): SdpParseResult {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return fail('empty', 0, 'no SDP body');
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > SDP_LIMITS.maxBytes) return fail('too-large', 0, `SDP of ${size} bytes exceeds ${SDP_LIMITS.maxBytes}`);
  const text = typeof input === 'string' ? input : decoder.decode(input);
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) return fail('empty', 0, 'empty SDP body');
  if (lines.length > SDP_LIMITS.maxLines) return fail('too-large', 0, `SDP of ${lines.length} lines exceeds ${SDP_LIMITS.maxLines}`);
  if (lines[0]!.trim() !== 'v=0') return fail('bad-version', 1, 'the first line must be v=0 (RFC 4566 §5.1)');

  let origin: SdpOrigin | null = null;
  let sessionName = '';
  let connection: SdpConnection | null = null;
  const session = { direction: null as SdpDirection | null };
  const media: SdpMedia[] = [];
  let current: SdpMedia | null = null;

  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.replace(/\s+$/, '');
    if (line === '') continue;
    if (line.length < 2 || line[1] !== '=' || !/^[a-z]$/.test(line[0]!)) return fail('bad-line', lineNo, `not a <type>=<value> line: ${JSON.stringify(line.slice(0, 40))}`);
    const type = line[0]!;
    const value = line.slice(2);
    switch (type) {
      case 'o':
        if (current) break;
        origin = parseOrigin(value);
        if (!origin) return fail('bad-origin', lineNo, 'o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address> (RFC 4566 §5.2)');
        break;
      case 's':
        if (!current) sessionName = value;
        break;
      case 'c': {
        const c = parseConnection(value);
        if (!c) return fail('bad-connection', lineNo, `c= must be "IN IP4 <address>" or "IN IP6 <address>": ${JSON.stringify(value.slice(0, 60))}`);
        if (current) current.connection = c;
        else connection = c;
        break;
      }
      case 'm': {
        if (media.length >= SDP_LIMITS.maxMedia) return fail('too-many-media', lineNo, `more than ${SDP_LIMITS.maxMedia} media sections`);
        const m = parseMediaLine(value);
        if (!m) return fail('bad-media', lineNo, `m= needs <media> <port> <proto> <fmt>...: ${JSON.stringify(value.slice(0, 60))}`);
        current = { ...m, connection: null, rtpmaps: new Map(), fmtps: new Map(), direction: null, ptime: null, attributes: [] };
        media.push(current);
        break;
      }
      case 'a': {
        const colon = value.indexOf(':');
        const name = colon < 0 ? value : value.slice(0, colon);
        const attrValue = colon < 0 ? null : value.slice(colon + 1);
        if (current) current.attributes.push({ name, value: attrValue });
        applyAttribute(current, session, name, attrValue);
        break;
      }
      default:
        // t=, b=, k=, i=, u=, e=, p=, z=, r= and unknown letters carry nothing the gateway uses.
        break;
    }
  }
  if (!origin) return fail('bad-origin', 0, 'no o= line (RFC 4566 §5.2)');
  for (const [i, m] of media.entries()) {
    // RFC 4566 §5.7: every active stream needs a c= at session or media level.
    if (m.port !== 0 && !m.connection && !connection) return fail('missing-connection', 0, `media section ${i + 1} (${m.type}) has no c= and the session has none`);
  }
  return { ok: true, sdp: { origin, sessionName, connection, direction: session.direction, media } };
}

/** The effective direction of a media section: its own attribute, the session's, or sendrecv (RFC 3264 §5.1). */
export function mediaDirection(sdp: SdpDescription, m: SdpMedia): SdpDirection {
  return m.direction ?? sdp.direction ?? 'sendrecv';
}

/** The connection address of a media section: its own c= or the session's. */
export function mediaConnection(sdp: SdpDescription, m: SdpMedia): SdpConnection | null {
  return m.connection ?? sdp.connection;
}
