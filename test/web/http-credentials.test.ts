import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clearedCookie, isBasicScheme, parseBasicAuth, readCookie, sessionCookie } from '../../src/web/http-credentials.js';

test('parseBasicAuth: RFC 7617 §2 example and variants', () => {
  // RFC 7617 §2: "Aladdin" / "open sesame" → QWxhZGRpbjpvcGVuIHNlc2FtZQ==
  assert.deepEqual(parseBasicAuth('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='), { user: 'Aladdin', password: 'open sesame' });
  assert.deepEqual(parseBasicAuth('basic   QWxhZGRpbjpvcGVuIHNlc2FtZQ=='), { user: 'Aladdin', password: 'open sesame' });
  // The first colon splits; the password keeps the rest.
  assert.deepEqual(parseBasicAuth(`Basic ${Buffer.from('admin:a:b:c').toString('base64')}`), { user: 'admin', password: 'a:b:c' });
  assert.deepEqual(parseBasicAuth(`Basic ${Buffer.from('admin:').toString('base64')}`), { user: 'admin', password: '' });
  // RFC 7617 §2.1 UTF-8 example: "test" / "123£"
  assert.deepEqual(parseBasicAuth('Basic dGVzdDoxMjPCow=='), { user: 'test', password: '123£' });
});

test('parseBasicAuth: anything malformed is undefined, never a throw', () => {
  for (const h of [
    undefined,
    '',
    'Basic',
    'Basic ',
    'Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    'Basic !!!',
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    `Basic ${Buffer.from(':password-only').toString('base64')}`,
    `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`,
    'Basic QWxh ZGRp',
    'Basic ' + 'A'.repeat(10_000),
  ]) {
    assert.equal(parseBasicAuth(h), undefined, String(h));
  }
  fc.assert(
    fc.property(fc.string(), (s) => {
      parseBasicAuth(s);
      parseBasicAuth(`Basic ${s}`);
    }),
  );
});

test('parseBasicAuth round-trips any user without a colon and any password', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 40 }).filter((u) => !u.includes(':') && Buffer.from(u, 'utf8').toString('utf8') === u),
      fc.string({ maxLength: 80 }).filter((p) => Buffer.from(p, 'utf8').toString('utf8') === p),
      (user, password) => {
        const header = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
        assert.deepEqual(parseBasicAuth(header), { user, password });
      },
    ),
  );
});

test('isBasicScheme', () => {
  assert.equal(isBasicScheme('Basic abc'), true);
  assert.equal(isBasicScheme('BASIC'), true);
  assert.equal(isBasicScheme('Basically'), false);
  assert.equal(isBasicScheme('Bearer x'), false);
  assert.equal(isBasicScheme(undefined), false);
});

test('readCookie picks the named cookie', () => {
  assert.equal(readCookie('a=1; cellgate_session=tok; b=2', 'cellgate_session'), 'tok');
  assert.equal(readCookie('cellgate_session="tok"', 'cellgate_session'), 'tok');
  assert.equal(readCookie('cellgate_session=first; cellgate_session=second', 'cellgate_session'), 'first');
  assert.equal(readCookie('xcellgate_session=tok', 'cellgate_session'), undefined);
  assert.equal(readCookie('garbage;;=;', 'cellgate_session'), undefined);
  assert.equal(readCookie(undefined, 'cellgate_session'), undefined);
  assert.equal(readCookie('cellgate_session=', 'cellgate_session'), '');
});

test('session cookie attributes', () => {
  assert.equal(sessionCookie('s', 'v', { secure: false }), 's=v; Path=/; HttpOnly; SameSite=Strict');
  assert.equal(sessionCookie('s', 'v', { secure: true }), 's=v; Path=/; HttpOnly; SameSite=Strict; Secure');
  assert.match(clearedCookie('s', { secure: false }), /^s=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0; /);
});
