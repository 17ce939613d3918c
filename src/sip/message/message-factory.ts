import { formatParameters } from './header-lists.js';
import { headerKey } from './header-names.js';
import { BRANCH_MAGIC_COOKIE, newBranch, newCallId, newTag, productToken } from './message-identifiers.js';
import { SipHeaders } from './sip-headers.js';
import type { SipRejectRespond } from './sip-parse-verdict.js';
import { SipRequest } from './sip-request.js';
import { SipResponse } from './sip-response.js';

/** Where our Via says responses go (RFC 3261 §18.1.1, RFC 3581 `rport`). */
export interface ViaSpec {
  /** `UDP`, `TCP`, `TLS`… */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  /** Defaults to a fresh `z9hG4bK…` branch. */
  readonly branch?: string;
  /** Ask for the source port in responses (RFC 3581 §3). Default true. */
  readonly rport?: boolean;
}

/** A From or To: URI, optional display name and tag. */
export interface PartySpec {
  readonly uri: string;
  readonly displayName?: string;
  readonly tag?: string;
}

export interface RequestSpec {
  readonly method: string;
  readonly uri: string;
  readonly via: ViaSpec;
  /**
   * From always carries a tag (RFC 3261 §8.1.1.3); one is made when missing. A string is a name-addr
   * written already and is kept verbatim: a dialog's parties keep every parameter (RFC 3261 §12.2.1.1).
   */
  readonly from: PartySpec | string;
  readonly to: PartySpec | string;
  readonly callId?: string;
  readonly cseq: number;
  readonly maxForwards?: number;
  readonly contact?: string;
  readonly routes?: readonly string[];
  /** cellgate's version for `User-Agent: cellgate/<version>`. */
  readonly version: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly contentType?: string;
  readonly body?: Buffer | string;
}

/** `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport` */
export function formatVia(via: ViaSpec): string {
  const branch = via.branch ?? newBranch();
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `SIP/2.0/${via.transport.toUpperCase()} ${via.host}${port}` + formatParameters({ branch, rport: via.rport === false ? undefined : null });
}

/** `"Display" <uri>;tag=…` (the display name quoted with `"` and `\` escaped, RFC 3261 §25.1). */
export function formatNameAddr(party: PartySpec): string {
  const display = party.displayName === undefined ? '' : `"${party.displayName.replace(/(["\\])/g, '\\$1')}" `;
  return `${display}<${party.uri}>` + formatParameters({ tag: party.tag });
}

function toBody(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** A new out-of-dialog or in-dialog request with the headers RFC 3261 §8.1.1 requires. */
export function createRequest(spec: RequestSpec): SipRequest {
  const headers = new SipHeaders()
    .append('Via', formatVia(spec.via))
    .append('Max-Forwards', String(spec.maxForwards ?? 70))
    .append('From', typeof spec.from === 'string' ? spec.from : formatNameAddr({ ...spec.from, tag: spec.from.tag ?? newTag() }))
    .append('To', typeof spec.to === 'string' ? spec.to : formatNameAddr(spec.to))
    .append('Call-ID', spec.callId ?? newCallId(spec.via.host))
    .append('CSeq', `${spec.cseq} ${spec.method}`);
  for (const route of spec.routes ?? []) headers.append('Route', route);
  if (spec.contact !== undefined) headers.append('Contact', spec.contact);
  headers.append('User-Agent', productToken(spec.version));
  for (const [name, value] of spec.headers ?? []) headers.append(name, value);
  const body = toBody(spec.body);
  if (spec.contentType !== undefined) headers.append('Content-Type', spec.contentType);
  return new SipRequest(spec.method, spec.uri, headers, body);
}

export interface ResponseOptions {
  /** cellgate's version for `Server: cellgate/<version>`. */
  readonly version: string;
  /** Tag to put on To when the request's To has none; a fresh one by default. */
  readonly toTag?: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly contentType?: string;
  readonly body?: Buffer | string;
}

const COPIED_TO_RESPONSES = ['via', 'from', 'to', 'call-id', 'cseq'];

/** The To value with a tag added if it has none and the response is not a 100 (RFC 3261 §8.2.6.2). */
function withToTag(to: string, statusCode: number, tag: string | undefined): string {
  if (statusCode === 100 || /;\s*tag\s*=/i.test(to.slice(Math.max(0, to.lastIndexOf('>'))))) return to;
  return `${to};tag=${tag ?? newTag()}`;
}

function buildResponse(fields: SipHeaders, statusCode: number, reasonPhrase: string, options: ResponseOptions): SipResponse {
  const headers = new SipHeaders();
  // RFC 3261 §8.2.6.2: Via (all, in order), From, To, Call-ID and CSeq are copied from the request.
  for (const field of fields.all()) {
    const key = headerKey(field.name);
    if (!COPIED_TO_RESPONSES.includes(key)) continue;
    headers.append(field.name, key === 'to' ? withToTag(field.value, statusCode, options.toTag) : field.value);
  }
  headers.append('Server', productToken(options.version));
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  if (options.contentType !== undefined) headers.append('Content-Type', options.contentType);
  return new SipResponse(statusCode, reasonPhrase, headers, toBody(options.body));
}

/** A response to `request` (RFC 3261 §8.2.6). */
export function createResponse(request: SipRequest, statusCode: number, reasonPhrase: string, options: ResponseOptions): SipResponse {
  return buildResponse(request.headers, statusCode, reasonPhrase, options);
}

/** The response a parse verdict asks for: 400/416/505/513 with the header fields that could be read. */
export function createRejectionResponse(verdict: SipRejectRespond, options: ResponseOptions): SipResponse {
  return buildResponse(verdict.headers, verdict.statusCode, verdict.reasonPhrase, options);
}

function copyFields(from: SipHeaders, to: SipHeaders, name: string): void {
  for (const value of from.getAll(name)) to.append(name, value);
}

/**
 * The ACK for a non-2xx final response to an INVITE (RFC 3261 §17.1.1.3): same Request-URI, Call-ID,
 * From and CSeq number as the INVITE, To from the response (with its tag), one Via equal to the
 * INVITE's top Via (so the same branch), and the INVITE's Route set.
 */
export function createAckForNon2xx(invite: SipRequest, response: SipResponse, version: string): SipRequest {
  const headers = new SipHeaders();
  headers.append('Via', firstViaEntry(invite));
  headers.append('Max-Forwards', '70');
  copyFields(invite.headers, headers, 'from');
  headers.append('To', response.headers.get('to') ?? invite.headers.get('to') ?? '');
  copyFields(invite.headers, headers, 'call-id');
  headers.append('CSeq', `${invite.cseq?.seq ?? 0} ACK`);
  copyFields(invite.headers, headers, 'route');
  headers.append('User-Agent', productToken(version));
  return new SipRequest('ACK', invite.uri, headers);
}

/**
 * The CANCEL for a pending request (RFC 3261 §9.1): same Request-URI, Call-ID, From, To (without a
 * response's tag) and CSeq number as the request, one Via equal to its top Via (same branch, so it
 * matches the server transaction), and the same Route set.
 */
export function createCancel(request: SipRequest, version: string): SipRequest {
  const headers = new SipHeaders();
  headers.append('Via', firstViaEntry(request));
  headers.append('Max-Forwards', '70');
  copyFields(request.headers, headers, 'from');
  copyFields(request.headers, headers, 'to');
  copyFields(request.headers, headers, 'call-id');
  headers.append('CSeq', `${request.cseq?.seq ?? 0} CANCEL`);
  copyFields(request.headers, headers, 'route');
  headers.append('User-Agent', productToken(version));
  return new SipRequest('CANCEL', request.uri, headers);
}

/** The top Via entry as written (the first entry of the first Via field). */
function firstViaEntry(request: SipRequest): string {
  return request.topVia?.raw ?? request.headers.get('via') ?? '';
}

/** Whether a branch follows RFC 3261 (starts with the magic cookie, §8.1.1.7). */
export function isRfc3261Branch(branch: string | undefined): boolean {
  return branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE) && branch.length > BRANCH_MAGIC_COOKIE.length;
}
