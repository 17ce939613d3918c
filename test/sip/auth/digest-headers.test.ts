/** Parsing and building of challenge and credentials values: odd-but-valid input, malformed input, caps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_AUTH_HEADER_LENGTH, MAX_AUTH_PARAMS, parseAuthHeader, quoteString } from '../../../src/sip/auth/auth-header-lexer.js';
import { formatDigestChallenge, parseDigestChallenge, type DigestChallenge } from '../../../src/sip/auth/digest-challenge.js';
import { formatDigestCredentials, parseDigestCredentials, type DigestCredentials } from '../../../src/sip/auth/digest-credentials.js';

const errorCode = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

test('odd but valid challenges: scheme case, parameter case, spacing, folds, escapes, unknown parameters', () => {
  const r = parseDigestChallenge('dIgEsT   REALM = "a \\"quoted\\" \\\\ realm" ,NONCE="n1",\r\n\tAlgorithm=sha-256 , QOP="auth-int , AUTH", Stale=TRUE, foo=bar, opaque="", domain="sip:a sip:b"');
  assert.ok(r.ok, JSON.stringify(r));
  if (!r.ok) return;
  assert.equal(r.value.realm, 'a "quoted" \\ realm');
  assert.equal(r.value.nonce, 'n1');
  assert.equal(r.value.algorithm, 'sha-256');
  assert.deepEqual(r.value.qop, ['auth-int', 'auth']);
  assert.equal(r.value.stale, true);
  assert.equal(r.value.opaque, '');
  assert.equal(r.value.domain, 'sip:a sip:b');
});

test('a challenge without algorithm means MD5; without qop it is the RFC 2069 form; stale defaults to false', () => {
  const r = parseDigestChallenge('Digest realm="r", nonce="n"');
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.value.algorithm, 'MD5');
  assert.deepEqual(r.value.qop, []);
  assert.equal(r.value.stale, false);
});

test('a fold inside a quoted string reads as one space; UTF-8 in quoted strings is decoded', () => {
  const wireUtf8 = Buffer.from('Grüße', 'utf8').toString('latin1');
  const r = parseDigestChallenge(`Digest realm="two\r\n  words ${wireUtf8}", nonce="n"`);
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.value.realm, 'two words Grüße');
});

test('malformed values get typed errors', () => {
  const cases: [string, string][] = [
    ['', 'bad-syntax'],
    ['   ', 'bad-syntax'],
    ['Digest', 'missing-parameter'],
    ['Basic realm="r"', 'unsupported-scheme'],
    ['Digest realm="r" nonce="n"', 'bad-syntax'],
    ['Digest realm="r", nonce="n",', 'bad-syntax'],
    ['Digest realm="r", , nonce="n"', 'bad-syntax'],
    ['Digest realm="unterminated, nonce="n"', 'bad-syntax'],
    ['Digest realm="r", nonce="n", realm="s"', 'duplicate-parameter'],
    ['Digest realm="r", Realm="s", nonce="n"', 'duplicate-parameter'],
    ['Digest realm="r"', 'missing-parameter'],
    ['Digest nonce="n"', 'missing-parameter'],
    ['Digest realm="r", nonce=""', 'bad-parameter'],
    ['Digest realm="r", nonce="n", stale=maybe', 'bad-parameter'],
    ['Digest realm="r", nonce="n", qop=""', 'bad-parameter'],
    ['Digest realm="r", nonce="n", qop="a b"', 'bad-parameter'],
    ['Digest realm="r\nx", nonce="n"', 'bad-syntax'],
    ['Digest realm="r\\\n", nonce="n"', 'bad-syntax'],
    ['Digest realm="a\x01b", nonce="n"', 'bad-syntax'],
    ['Digest realm=, nonce="n"', 'bad-syntax'],
    ['Digest realm"r", nonce="n"', 'bad-syntax'],
    ['Digest\r\nrealm="r", nonce="n"', 'bad-syntax'],
    ['Digest realm="\xff\xfe", nonce="n"', 'bad-encoding'],
    ['Digest realm="\u0100", nonce="n"', 'bad-encoding'],
    [`Digest realm="r", nonce="${'n'.repeat(300)}"`, 'bad-parameter'],
    [`Digest realm="${'r'.repeat(1100)}", nonce="n"`, 'too-long'],
    [`Digest realm="r", nonce="n", x="${'y'.repeat(MAX_AUTH_HEADER_LENGTH)}"`, 'too-long'],
    [`Digest realm="r", nonce="n"${', p=1'.repeat(0)}${Array.from({ length: MAX_AUTH_PARAMS }, (_, i) => `, p${i}=1`).join('')}`, 'too-many-parameters'],
  ];
  for (const [wire, code] of cases) assert.equal(errorCode(parseDigestChallenge(wire)), code, JSON.stringify(wire));
});

test('credentials: the required parameters, the qop trio, nc and response shape', () => {
  const base = 'Digest username="u", realm="r", nonce="n", uri="sip:x", response="0a"';
  assert.equal(errorCode(parseDigestCredentials(base)), 'ok');
  for (const p of ['username', 'realm', 'nonce', 'uri', 'response']) {
    const without = base.replace(new RegExp(`(, )?${p}="[^"]*"`), '').replace('Digest , ', 'Digest ');
    assert.equal(errorCode(parseDigestCredentials(without)), 'missing-parameter', p);
  }
  assert.equal(errorCode(parseDigestCredentials(`${base}, qop=auth, nc=00000001`)), 'missing-parameter');
  assert.equal(errorCode(parseDigestCredentials(`${base}, qop=auth, cnonce="c"`)), 'missing-parameter');
  assert.equal(errorCode(parseDigestCredentials(`${base}, qop=auth, cnonce="c", nc=1`)), 'bad-parameter');
  assert.equal(errorCode(parseDigestCredentials(`${base}, qop=auth, cnonce="c", nc=0000000g`)), 'bad-parameter');
  assert.equal(errorCode(parseDigestCredentials(base.replace('"0a"', '"xyz"'))), 'bad-parameter');
  assert.equal(errorCode(parseDigestCredentials('Bearer abc')), 'bad-syntax');
  assert.equal(errorCode(parseDigestCredentials('Bearer token=abc')), 'unsupported-scheme');
  // Quoted qop and nc are not what RFC 7616 writes, but they mean the same: accepted.
  const lenient = parseDigestCredentials(`${base}, qop="AUTH", cnonce="c", nc="0000000A"`);
  assert.ok(lenient.ok);
  if (lenient.ok) assert.deepEqual([lenient.value.qop, lenient.value.nc], ['auth', '0000000a']);
});

test('format → parse gives back the same challenge and credentials, including awkward characters', () => {
  const challenge: DigestChallenge = { realm: 'sip "realm" \\ ü', nonce: 'abc/+=', algorithm: 'SHA-256', qop: ['auth', 'auth-int'], opaque: 'o"q', stale: true, domain: 'sip:a', userhash: false };
  const c = parseDigestChallenge(formatDigestChallenge(challenge));
  assert.ok(c.ok);
  if (c.ok) assert.deepEqual(c.value, challenge);
  const credentials: DigestCredentials = { username: 'ålice\t"x"', realm: 'r', nonce: 'n', uri: 'sip:bob@example.com;transport=tcp', response: 'ab01', algorithm: 'MD5', cnonce: 'c\x01', opaque: 'o', qop: 'auth', nc: '0000000f', userhash: false };
  const p = parseDigestCredentials(formatDigestCredentials(credentials));
  assert.ok(p.ok);
  if (p.ok) assert.deepEqual(p.value, credentials);
});

test('building refuses what no quoted-string can carry (CR, LF) with a RangeError', () => {
  assert.throws(() => quoteString('a\r\nb'), RangeError);
  assert.throws(() => formatDigestChallenge({ realm: 'r\n', nonce: 'n', algorithm: 'MD5', qop: [], stale: false, userhash: false }), RangeError);
  assert.throws(() => formatDigestChallenge({ realm: 'r', nonce: 'n', algorithm: 'not a token', qop: [], stale: false, userhash: false }), RangeError);
});

test('the lexer keeps parameter names lower-cased and remembers quoting', () => {
  const r = parseAuthHeader('Digest A=b, C="d"');
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual([...r.value.params.values()], [
    { name: 'a', value: 'b', quoted: false },
    { name: 'c', value: 'd', quoted: true },
  ]);
  assert.equal(errorCode(parseAuthHeader(42 as unknown as string)), 'bad-syntax');
});
