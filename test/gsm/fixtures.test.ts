/**
 * Published PDU vectors in fixtures/pdu/*.json, each naming its source:
 *   { source, hex, decode?: { withSmsc?, direction? }, expect: {...} | { error: <PduErrorCode> },
 *     encode?: SubmitOptions (+ dataHex), tpduLength?, note? }
 * `expect` is a partial image of the decoded PDU: Date fields are compared as ISO strings, Uint8Array
 * fields as hex, `hasWarnings: true` asks for at least one warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';
import {
  PduError,
  bytesToHex,
  decodePdu,
  encodeSubmit,
  hexToBytes,
  tryDecodePdu,
  type DecodeOptions,
  type SubmitOptions,
} from '../../src/gsm/index.js';

interface Fixture {
  source: string;
  hex: string;
  decode?: DecodeOptions;
  expect: Record<string, unknown>;
  encode?: Omit<SubmitOptions, 'data'> & { dataHex?: string };
  tpduLength?: number;
  note?: string;
}

const dir = join(repoRoot(), 'fixtures', 'pdu');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function match(actual: unknown, expected: unknown, path: string): void {
  if (expected === null || typeof expected !== 'object') {
    if (actual instanceof Date) assert.equal(actual.toISOString(), expected, path);
    else if (actual instanceof Uint8Array) assert.equal(bytesToHex(actual), String(expected).toUpperCase(), path);
    else assert.deepEqual(actual, expected, path);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is not an array`);
    assert.equal(actual.length, expected.length, `${path} length`);
    expected.forEach((e, i) => match(actual[i], e, `${path}[${i}]`));
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${path} is missing`);
  for (const [k, v] of Object.entries(expected)) {
    if (k === 'hasWarnings') {
      const w: string[] = (actual as { warnings: string[] }).warnings;
      assert.equal(w.length > 0, v, `${path}.warnings: ${JSON.stringify(w)}`);
      continue;
    }
    match((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  }
}

test('fixtures/pdu holds the vectors', () => {
  assert.ok(files.length >= 40, `only ${files.length} fixtures`);
});

for (const file of files) {
  const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
  const name = file.replace(/\.json$/, '');
  test(`${name} — source: ${fx.source}`, () => {
    assert.ok(fx.source.length > 10, 'every vector names its source');
    const r = tryDecodePdu(fx.hex, fx.decode);
    if ('error' in fx.expect) {
      assert.equal(r.ok, false, 'expected a decode error');
      if (!r.ok) assert.equal(r.code, fx.expect.error, r.error);
      assert.throws(() => decodePdu(fx.hex, fx.decode), PduError);
      return;
    }
    assert.ok(r.ok, r.ok ? '' : r.error);
    match(r.pdu, fx.expect, name);
    if (fx.encode) {
      const { dataHex, ...rest } = fx.encode;
      const opts: SubmitOptions = dataHex ? { ...rest, data: hexToBytes(dataHex) } : rest;
      const enc = encodeSubmit(opts);
      assert.equal(enc.hex, fx.hex.toUpperCase(), 'encodeSubmit reproduces the published PDU');
      const smscOctets = hexToBytes(fx.hex)[0]! + 1;
      assert.equal(enc.tpduLength, fx.hex.length / 2 - smscOctets);
      if (fx.tpduLength !== undefined) assert.equal(enc.tpduLength, fx.tpduLength);
    }
  });
}

test('every fixture cut short at every octet decodes to a result or a PduError, never anything else', () => {
  for (const file of files) {
    const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
    if (!/^[0-9A-Fa-f]*$/.test(fx.hex) || fx.hex.length % 2) continue;
    for (let n = 0; n < fx.hex.length; n += 2) {
      const cut = fx.hex.slice(0, n);
      try {
        decodePdu(cut, fx.decode);
      } catch (e) {
        assert.ok(e instanceof PduError, `${file} cut at ${n / 2}: ${String(e)}`);
      }
      const r = tryDecodePdu(cut, fx.decode);
      assert.equal(typeof r.ok, 'boolean');
    }
  }
});
