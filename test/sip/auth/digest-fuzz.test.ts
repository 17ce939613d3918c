/**
 * Bad input fed at random (fixed seed, so a failure repeats): mutated and random header values never
 * make the parsers, the client or the server throw, and a mutated credentials value is only ever
 * accepted when it still says exactly what the original said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDigestChallenge } from '../../../src/sip/auth/digest-challenge.js';
import { DigestClient } from '../../../src/sip/auth/digest-client.js';
import { parseDigestCredentials } from '../../../src/sip/auth/digest-credentials.js';
import { DigestServer } from '../../../src/sip/auth/digest-server.js';

/** mulberry32: a small deterministic generator. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['"', '\\', ',', '=', ' ', '\t', '\r', '\n', '\r\n ', 'a', 'Z', '0', '-', '\x00', '\x7f', '\xc3', '\xff', '\u0100', '\u{1F600}', 'Digest ', 'realm', 'nonce', 'qop=auth'];

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const pick = ALPHABET[Math.floor(random() * ALPHABET.length)]!;
    const op = random();
    if (op < 0.4) out = out.slice(0, at) + pick + out.slice(at);
    else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else if (op < 0.9) out = out.slice(0, at) + pick + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at).toUpperCase();
  }
  return out;
}

function randomText(random: () => number): string {
  const length = Math.floor(random() * 80);
  let out = '';
  for (let i = 0; i < length; i++) out += random() < 0.5 ? ALPHABET[Math.floor(random() * ALPHABET.length)]! : String.fromCharCode(Math.floor(random() * 256));
  return out;
}

test('random and mutated values never throw out of parsers, client or server; forged credentials never pass', () => {
  const random = generator(20260101);
  const realm = 'fuzz.example';
  const secret = Buffer.alloc(32, 3);
  const lookup = (u: string) => (u === 'alice' ? { password: 'pw' } : undefined);
  const request = { method: 'REGISTER', uri: 'sip:fuzz.example' };
  const template = new DigestServer({ realm, secret, now: () => 1_000_000 });
  const challenges = template.challenge().values;
  const good = new DigestClient({ credentials: { username: 'alice', password: 'pw' } }).answer(challenges, request, 401);
  assert.ok(good.ok);
  if (!good.ok) return;
  const original = parseDigestCredentials(good.value);
  assert.ok(original.ok);
  if (!original.ok) return;
  const meaning = (c: typeof original.value) => JSON.stringify([c.username, c.realm, c.nonce, c.uri, c.response, c.cnonce, c.nc, c.qop, c.algorithm.toUpperCase()]);
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const kind = i % 3;
    const input: string = kind === 0 ? randomText(random) : mutate(kind === 1 ? challenges[Math.floor(random() * challenges.length)]! : good.value, random);
    const challenge = parseDigestChallenge(input);
    const credentials = parseDigestCredentials(input);
    assert.equal(typeof challenge.ok, 'boolean');
    assert.equal(typeof credentials.ok, 'boolean');
    const answer = new DigestClient({ credentials: { username: 'alice', password: 'pw' } }).answer([input, mutate(input, random)], request, 401);
    assert.equal(typeof answer.ok, 'boolean');
    // A fresh server each time, so the nc of an earlier accepted value does not hide a forgery.
    const server = new DigestServer({ realm, secret, now: () => 1_000_000 });
    const verdict = server.verify({ credentials: input, ...request, requestUri: request.uri }, lookup);
    assert.ok(['ok', 'stale', 'wrong', 'malformed'].includes(verdict.verdict));
    if (verdict.verdict === 'ok') {
      accepted++;
      assert.ok(credentials.ok, 'accepted only what parses');
      if (credentials.ok) assert.equal(meaning(credentials.value), meaning(original.value), `accepted a changed value: ${JSON.stringify(input)}`);
    }
  }
  // Some mutations only change spacing or case; they must still be accepted (a parser that rejected
  // everything would pass the loop above trivially).
  assert.ok(accepted > 0, 'no harmless mutation was accepted');
});
