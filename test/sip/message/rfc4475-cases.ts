/**
 * RFC 4475 torture messages (fixtures/sip/rfc4475/, byte-exact from the RFC's archive) and what the RFC
 * asks of a receiver for each: the parser's unit test and the daemon's wire test both read this table.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RFC4475_DIR = fileURLToPath(new URL('../../../../fixtures/sip/rfc4475/', import.meta.url));
export const loadTorture = (name: string): Buffer => readFileSync(RFC4475_DIR + name + '.dat');

export type TortureExpect = { parses: 'request' | 'response' } | { status: number; reason?: RegExp } | { discard: true };

/** File → RFC 4475 section and what the RFC asks of the receiver. */
export const RFC4475_CASES: Record<string, [string, TortureExpect]> = {
  // §3.1.1 valid messages
  wsinv: ['3.1.1.1', { parses: 'request' }],
  intmeth: ['3.1.1.2', { parses: 'request' }],
  esc01: ['3.1.1.3', { parses: 'request' }],
  escnull: ['3.1.1.4', { parses: 'request' }],
  esc02: ['3.1.1.5', { parses: 'request' }],
  lwsdisp: ['3.1.1.6', { parses: 'request' }],
  longreq: ['3.1.1.7', { parses: 'request' }],
  dblreq: ['3.1.1.8', { parses: 'request' }],
  semiuri: ['3.1.1.9', { parses: 'request' }],
  transports: ['3.1.1.10', { parses: 'request' }],
  mpart01: ['3.1.1.11', { parses: 'request' }],
  unreason: ['3.1.1.12', { parses: 'response' }],
  noreason: ['3.1.1.13', { parses: 'response' }],
  // §3.1.2 invalid messages
  badinv01: ['3.1.2.1', { status: 400, reason: /Via/ }],
  clerr: ['3.1.2.2', { status: 400, reason: /Content-Length/ }],
  ncl: ['3.1.2.3', { status: 400, reason: /Content-Length/ }],
  scalar02: ['3.1.2.4', { status: 400 }],
  scalarlg: ['3.1.2.5', { discard: true }],
  quotbal: ['3.1.2.6', { status: 400, reason: /To/ }],
  ltgtruri: ['3.1.2.7', { status: 400, reason: /Request-Line/ }],
  lwsruri: ['3.1.2.8', { status: 400, reason: /Request-Line/ }],
  lwsstart: ['3.1.2.9', { status: 400, reason: /Request-Line/ }],
  trws: ['3.1.2.10', { status: 400, reason: /Request-Line/ }],
  escruri: ['3.1.2.11', { status: 400, reason: /Request-URI/ }],
  baddate: ['3.1.2.12', { status: 400, reason: /Date/ }],
  regbadct: ['3.1.2.13', { status: 400, reason: /Contact/ }],
  badaspec: ['3.1.2.14', { status: 400, reason: /To/ }],
  baddn: ['3.1.2.15', { status: 400, reason: /From/ }],
  badvers: ['3.1.2.16', { status: 505 }],
  mismatch01: ['3.1.2.17', { status: 400, reason: /CSeq/ }],
  mismatch02: ['3.1.2.18', { status: 400, reason: /CSeq/ }],
  bigcode: ['3.1.2.19', { discard: true }],
  // §3.2 transaction layer: a branch of just the magic cookie is still a well-formed message
  badbranch: ['3.2.1', { parses: 'request' }],
  // §3.3 application layer: parser-relevant outcomes; the rest parse and are decided above the parser
  insuf: ['3.3.1', { status: 400, reason: /Missing/ }],
  unkscm: ['3.3.2', { status: 416 }],
  novelsc: ['3.3.3', { status: 416 }],
  unksm2: ['3.3.4', { parses: 'request' }],
  bext01: ['3.3.5', { parses: 'request' }],
  invut: ['3.3.6', { parses: 'request' }],
  regaut01: ['3.3.7', { parses: 'request' }],
  multi01: ['3.3.8', { status: 400, reason: /Multiple/ }],
  mcl01: ['3.3.9', { status: 400, reason: /Content-Length/ }],
  bcast: ['3.3.10', { parses: 'response' }],
  zeromf: ['3.3.11', { parses: 'request' }],
  cparam01: ['3.3.12', { parses: 'request' }],
  cparam02: ['3.3.13', { parses: 'request' }],
  regescrt: ['3.3.14', { parses: 'request' }],
  sdp01: ['3.3.15', { parses: 'request' }],
};

/** §3.4.1: an RFC 2543 INVITE without Max-Forwards; it parses unless Max-Forwards is required. */
export const RFC2543_INVITE = 'inv2543';
