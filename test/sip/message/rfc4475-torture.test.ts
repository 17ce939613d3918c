/**
 * RFC 4475 torture messages, byte-exact from the RFC's archive (fixtures/sip/rfc4475/): every valid one
 * parses, every invalid one gets the verdict the RFC names, or no answer where none can be sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSipMessage } from '../../../src/sip/message/index.js';

const dir = fileURLToPath(new URL('../../../../fixtures/sip/rfc4475/', import.meta.url));
const load = (name: string): Buffer => readFileSync(dir + name + '.dat');

type Expect = { parses: 'request' | 'response' } | { status: number; reason?: RegExp } | { discard: true };

/** File → RFC 4475 section and what the RFC asks of the receiver. */
const CASES: Record<string, [string, Expect]> = {
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

test('every RFC 4475 message in the fixtures has an expectation here', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.dat')).map((f) => f.slice(0, -4)).sort();
  assert.deepEqual(files, [...Object.keys(CASES), 'inv2543'].sort());
});

for (const [name, [section, expect]] of Object.entries(CASES)) {
  test(`RFC 4475 §${section} ${name}`, () => {
    const result = parseSipMessage(load(name));
    if ('parses' in expect) {
      assert.ok(result.ok, `expected to parse: ${result.ok ? '' : JSON.stringify({ ...result.verdict, headers: undefined })}`);
      assert.equal(result.message.kind, expect.parses);
    } else if ('discard' in expect) {
      assert.ok(!result.ok && result.verdict.action === 'discard', 'expected no response');
    } else {
      assert.ok(!result.ok && result.verdict.action === 'respond', 'expected a response');
      assert.equal(result.verdict.statusCode, expect.status, result.verdict.detail);
      if (expect.reason) assert.match(result.verdict.reasonPhrase, expect.reason);
    }
  });
}

test('RFC 4475 §3.4.1 inv2543: an RFC 2543 INVITE without Max-Forwards parses by default, and is refused only when asked', () => {
  const lenient = parseSipMessage(load('inv2543'));
  assert.ok(lenient.ok && lenient.message.kind === 'request');
  const strict = parseSipMessage(load('inv2543'), { requireMaxForwards: true });
  assert.ok(!strict.ok && strict.verdict.action === 'respond' && strict.verdict.reasonPhrase === 'Missing Max-Forwards Header');
});

test('what the valid torture messages carry is read correctly', () => {
  const wsinv = parseSipMessage(load('wsinv'));
  assert.ok(wsinv.ok && wsinv.message.kind === 'request');
  const m = wsinv.message;
  assert.equal(m.method, 'INVITE');
  assert.equal(m.to?.tag, '1918181833n');
  assert.equal(m.from?.displayName, 'J Rosenberg \\"');
  assert.equal(m.cseq?.seq, 9);
  assert.equal(m.cseq?.method, 'INVITE');
  assert.equal(m.vias?.length, 3);
  assert.equal(m.maxForwards, 68);
  assert.equal(m.body.length, Number(m.headers.get('l')));

  // §3.1.1.8: the bytes after Content-Length octets are dropped.
  const dbl = parseSipMessage(load('dblreq'));
  assert.ok(dbl.ok);
  assert.equal(dbl.message.body.length, 0);

  // §3.1.1.11: a binary body is kept byte for byte.
  const bytes = load('mpart01');
  const mpart = parseSipMessage(bytes);
  assert.ok(mpart.ok);
  assert.deepEqual(mpart.message.body, bytes.subarray(bytes.length - mpart.message.body.length));

  // §3.1.1.12: a UTF-8 reason phrase.
  const unreason = parseSipMessage(load('unreason'));
  assert.ok(unreason.ok && unreason.message.kind === 'response');
  assert.equal(unreason.message.statusCode, 200);

  // §3.1.1.10: five Via entries with unknown transports kept as written.
  const transports = parseSipMessage(load('transports'));
  assert.ok(transports.ok);
  assert.deepEqual(transports.message.vias?.map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);

  // §3.3.4: URIs of other schemes in To, From and Contact.
  const unksm2 = parseSipMessage(load('unksm2'));
  assert.ok(unksm2.ok);
  assert.equal(unksm2.message.to?.scheme, 'isbn');
  assert.equal(unksm2.message.from?.uri, 'http://www.example.com');
});

test('a rejected request keeps the header fields a response copies', () => {
  const result = parseSipMessage(load('mismatch01'));
  assert.ok(!result.ok && result.verdict.action === 'respond');
  assert.equal(result.verdict.method, 'OPTIONS');
  assert.ok(result.verdict.headers.get('call-id'));
  assert.ok(result.verdict.headers.get('via'));
});
