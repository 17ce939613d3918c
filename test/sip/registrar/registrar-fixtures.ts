/** Shared set-up for the registrar tests: a registrar on a fake clock, REGISTERs built by the message builders and parsed back from bytes, and a digest client answering its challenges. */
import assert from 'node:assert/strict';
import { DigestClient } from '../../../src/sip/auth/index.js';
import { createRequest, parseSipMessage, serializeSipMessage, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import { Registrar, type RegisterSource, type RegistrarOptions } from '../../../src/sip/registrar/index.js';

export const DOMAIN = 'gw.example.net';
export const PHONE: RegisterSource = { ip: '192.0.2.10', port: 5062, transport: 'udp' };

export function setup(options: Partial<RegistrarOptions> = {}) {
  const clock = { t: 1_800_000_000_000 };
  const registrar = new Registrar({
    domains: [DOMAIN],
    nonceSecret: Buffer.alloc(32, 9),
    version: 'test',
    extensions: [
      { number: '001', prefix: '8', group: 'home', secret: { password: 'kitchen-1' } },
      { number: '002', prefix: '8', group: 'home', secret: { password: 'bedroom-2' }, maxContacts: 2 },
      { number: '100', group: 'office', secret: { password: 'desk-100' } },
    ],
    now: () => clock.t,
    ...options,
  });
  return { clock, registrar };
}

export interface RegisterSpec {
  user?: string;
  callId?: string;
  cseq?: number;
  /** Contact field values; none when empty. */
  contacts?: string[];
  expires?: string;
  requestUri?: string;
  toHost?: string;
  authorization?: string;
  headers?: [string, string][];
  /** Hand the built message over without the byte round trip (for values the parser itself refuses). */
  skipParse?: boolean;
}

/** A REGISTER as a phone sends it: built, serialised and parsed back, so the registrar sees real bytes. */
export function register(spec: RegisterSpec = {}): SipRequest {
  const user = spec.user ?? '8001';
  const headers: [string, string][] = [];
  for (const contact of spec.contacts ?? [`<sip:${user}@192.168.1.20:5062>`]) headers.push(['Contact', contact]);
  if (spec.expires !== undefined) headers.push(['Expires', spec.expires]);
  if (spec.authorization !== undefined) headers.push(['Authorization', spec.authorization]);
  headers.push(...(spec.headers ?? []));
  const request = createRequest({
    method: 'REGISTER',
    uri: spec.requestUri ?? `sip:${DOMAIN}`,
    via: { transport: 'UDP', host: '192.168.1.20', port: 5062 },
    from: { uri: `sip:${user}@${DOMAIN}`, tag: 'phone-tag' },
    to: { uri: `sip:${user}@${spec.toHost ?? DOMAIN}` },
    callId: spec.callId ?? 'call-1@192.168.1.20',
    cseq: spec.cseq ?? 1,
    version: 'phone',
    headers,
  });
  if (spec.skipParse) return request;
  const parsed = parseSipMessage(serializeSipMessage(request));
  assert.ok(parsed.ok && parsed.message.kind === 'request', 'the built REGISTER parses');
  return parsed.message as SipRequest;
}

/** Sends spec without credentials, answers the 401 with a digest client on the same CSeq (a 401 changes no binding), and returns the final response. */
export function registerWithAuth(registrar: Registrar, spec: RegisterSpec & { password: string; username?: string }, source: RegisterSource = PHONE): SipResponse {
  const first = registrar.handleRegister(register(spec), source);
  if (first.statusCode !== 401) return first;
  const client = new DigestClient({ credentials: { username: spec.username ?? spec.user ?? '8001', password: spec.password } });
  const answer = client.answer(first.headers.getAll('www-authenticate'), { method: 'REGISTER', uri: spec.requestUri ?? `sip:${DOMAIN}` }, 401);
  assert.ok(answer.ok, JSON.stringify(answer));
  return registrar.handleRegister(register({ ...spec, authorization: answer.ok ? answer.value : '' }), source);
}

/** The Contact values of a response, as `uri expires` pairs, sorted. */
export function listed(response: SipResponse): string[] {
  return response.headers
    .getAll('contact')
    .map((v) => {
      const m = /^<([^>]*)>;expires=(\d+)/.exec(v);
      return m ? `${m[1]} ${m[2]}` : v;
    })
    .sort();
}
