/**
 * RFC 4475 torture messages, byte-exact from the RFC's archive (fixtures/sip/rfc4475/; the table is in
 * rfc4475-cases.ts): every valid one parses, every invalid one gets the verdict the RFC names, or no
 * answer where none can be sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseSipMessage } from '../../../src/sip/message/index.js';
import { loadTorture, RFC2543_INVITE, RFC4475_CASES, RFC4475_DIR } from './rfc4475-cases.js';

const dir = RFC4475_DIR;
const load = loadTorture;
const CASES = RFC4475_CASES;

test('every RFC 4475 message in the fixtures has an expectation here', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.dat')).map((f) => f.slice(0, -4)).sort();
  assert.deepEqual(files, [...Object.keys(CASES), RFC2543_INVITE].sort());
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
