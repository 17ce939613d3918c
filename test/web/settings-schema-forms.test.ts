/**
 * The generic settings editor's reading of the configuration schema: which fields are still JSON text
 * (only justified exceptions), the variants of union fields and which one a value is, record fields'
 * keys and rows, and that the validator's error paths are the paths the new inputs carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/schema.js';
import { TRIGGER_KINDS } from '../../src/policy/types.js';
import { pathText } from '../../web/src/config/draft.js';
import { duplicateRows, nextKey, recordOf, removeRow, renameRow, rowsFor, rowsOf } from '../../web/src/config/record-rows.js';
import { blankFor, fieldKind, kindOf, keyFits, schemaAt, valueForChoice, variantOf, variantStart, type Variant } from '../../web/src/config/schema-info.js';
import { walkSchema } from '../../web/src/config/schema-walk.js';

function variants(path: Array<string | number>): Variant[] {
  const k = fieldKind(path);
  assert.equal(k.kind, 'union', `${path.join('.')} is a union`);
  return k.kind === 'union' ? k.variants : [];
}

test('only justified fields are JSON text: a program with its arguments (an argument may be empty)', () => {
  // Before the union and record forms: http.tls, policy.slotLimits, policy.switchRules.triggers,
  // policy.disableRules.disableMinutes, sip.forward.lines, sip.callWaiting.lines, lines.simSwitch,
  // lines.reset.command, and any nullable object while null (mail, sip.tls, sip.cdr, smpp.tls,
  // ownNumber.ussd, ownNumber.smsQuery).
  const json = walkSchema().json;
  assert.deepEqual(json.map((j) => j.path), ['lines.reset.command']);
  assert.match(json[0]!.why, /argument/);
});

test('http.tls: off, self-signed or certificate files, each value found as its variant', () => {
  const v = variants(['http', 'tls']);
  assert.deepEqual(v.map((x) => x.id), ['null', 'self-signed', 'object']);
  assert.equal(variantOf(v, null)?.id, 'null');
  assert.equal(variantOf(v, undefined)?.id, 'null', 'absent takes the default, null');
  assert.equal(variantOf(v, 'self-signed')?.id, 'self-signed');
  assert.equal(variantOf(v, { certFile: '/a', keyFile: '/b' })?.id, 'object');
  assert.equal(variantOf(v, 'other'), null, 'a value fitting no variant');
  assert.equal(variantStart(v[1]!), 'self-signed');
  assert.deepEqual(variantStart(v[2]!), {});
  assert.equal(variantStart(v[0]!), null);
  const files = v[2]!;
  assert.ok(files.shape === 'object' && Object.keys(files.node._zod.def.shape ?? {}).join() === 'certFile,keyFile');
});

test('a discriminated union is named by its tag; choosing a variant starts with just the tag', () => {
  const v = variants(['lines', 0, 'simSwitch']);
  assert.deepEqual(v.map((x) => x.id), ['none', 'simulated', 'gpio', 'serial', 'dual-sim']);
  assert.equal(variantOf(v, { backend: 'serial', port: '/dev/ttyS1' })?.id, 'serial');
  assert.equal(variantOf(v, { backend: 'nonsense' }), null);
  assert.deepEqual(variantStart(v[2]!), { backend: 'gpio' });
  // The gpio pair of line offsets is a list of numbers, one per line, not JSON.
  const gpio = v[2]!;
  assert.ok(gpio.shape === 'object');
  const pair = kindOf(gpio.node._zod.def.shape?.lines);
  assert.ok(pair.kind === 'list' && pair.item.kind === 'number');
});

test('number or literal, absent / null / text, and optional objects are choices too', () => {
  const minutes = variants(['policy', 'disableRules', 0, 'disableMinutes']);
  assert.deepEqual(minutes.map((x) => x.id), ['number', 'manual']);
  assert.equal(variantOf(minutes, 30)?.id, 'number');
  assert.equal(variantOf(minutes, 'manual')?.id, 'manual');
  assert.equal(variantStart(minutes[0]!), 0);
  // A slot limit left out uses the device-wide one, null means none: both are choices.
  const slot = variants(['policy', 'slotLimits', '1/A', 'callMinutes']);
  assert.deepEqual(slot.map((x) => x.id), ['absent', 'null', 'text']);
  assert.equal(variantOf(slot, undefined)?.id, 'absent');
  assert.equal(variantOf(slot, null)?.id, 'null');
  assert.equal(variantOf(slot, '100')?.id, 'text');
  assert.deepEqual(variants(['mail']).map((x) => x.id), ['null', 'object']);
  assert.deepEqual(variants(['sip', 'registration', 'account']).map((x) => x.id), ['absent', 'object']);
  // A plain value that may only be absent stays one input (emptied = absent).
  assert.equal(fieldKind(['policy', 'limits', 'callMinutes']).kind, 'text');
});

test('choosing back the variant a field was loaded as restores its loaded value, a redacted secret included', () => {
  const v = variants(['sms', 'forward', 0, 'webhook']);
  assert.deepEqual(v.map((x) => x.id), ['absent', 'object']);
  const loaded = { url: 'https://hook.example/in', secret: '[redacted]' };
  assert.equal(valueForChoice(v, v[1]!, loaded), loaded);
  assert.deepEqual(valueForChoice(v, v[1]!, undefined), {});
  assert.equal(valueForChoice(v, v[0]!, loaded), undefined);
});

test('records: pattern keys checked by the schema\'s key rule, listed keys offered as a choice', () => {
  const slots = fieldKind(['policy', 'slotLimits']);
  assert.ok(slots.kind === 'record');
  assert.equal(slots.keyValues, null);
  assert.ok(keyFits(slots.keyNode, '1/A') && keyFits(slots.keyNode, 'B'));
  assert.ok(!keyFits(slots.keyNode, '1A') && !keyFits(slots.keyNode, ''));
  assert.deepEqual(blankFor(slots.valueNode), {});
  const triggers = fieldKind(['policy', 'switchRules', 'triggers']);
  assert.ok(triggers.kind === 'record');
  assert.deepEqual(triggers.keyValues, [...TRIGGER_KINDS]);
  assert.equal(blankFor(triggers.valueNode), '', 'a number starts empty for the operator to fill in');
  const waiting = fieldKind(['sip', 'callWaiting', 'lines']);
  assert.ok(waiting.kind === 'record' && typeof blankFor(waiting.valueNode) === 'string');
  assert.ok(schemaAt(['policy', 'slotLimits', 'X']), 'a record key leads to its value schema');
});

test('record rows: value ↔ rows, rename, remove, duplicates and the next key', () => {
  const record = { '1/A': { callMinutes: '100' }, B: { smsCount: null } };
  const rows = rowsOf(record);
  assert.deepEqual(rows.map((r) => r.key), ['1/A', 'B']);
  assert.deepEqual(recordOf(rows), record);
  assert.deepEqual(rowsOf(null), []);
  assert.deepEqual(rowsOf([1]), []);
  let keys = ['1/A', 'B'];
  keys = renameRow(keys, 1, '2/B');
  const renamed = recordOf(keys.map((key, i) => ({ key, value: rows[i]!.value })));
  assert.deepEqual(renamed, { '1/A': { callMinutes: '100' }, '2/B': { smsCount: null } });
  assert.deepEqual(removeRow(keys, 0), ['2/B']);
  // A row typed to the key of an earlier one is kept as a row but marked; the first wins in the value.
  const dupKeys = ['A', 'B', 'A'];
  assert.deepEqual([...duplicateRows(dupKeys)], [2]);
  assert.deepEqual(recordOf([{ key: 'A', value: 1 }, { key: 'A', value: 2 }]), { A: 1 });
  assert.deepEqual(rowsFor(['A', ''], { A: 1, '': 2 }), [{ key: 'A', value: 1 }, { key: '', value: 2 }]);
  assert.equal(nextKey(['calls'], ['calls', 'minutes']), 'minutes');
  assert.equal(nextKey(['calls', 'minutes'], ['calls', 'minutes']), '');
  assert.equal(nextKey(['1/A'], null), '');
});

test('the validator\'s error paths are the paths of the record rows\' and variants\' inputs', () => {
  const r = validateConfig({ policy: { slotLimits: { '1/A': { callCount: 'bad' }, X: {} } }, http: { tls: 'nope' }, sip: { forward: { lines: { '2': 5 } } } });
  assert.ok(!r.ok);
  const paths = r.errors.map((e) => e.path).sort();
  assert.deepEqual(paths, [
    pathText(['http', 'tls']),
    pathText(['policy', 'slotLimits', '1/A', 'callCount']),
    pathText(['policy', 'slotLimits', 'X']),
    pathText(['sip', 'forward', 'lines', '2']),
  ].sort());
  const good = validateConfig({ http: { tls: 'self-signed' }, policy: { slotLimits: { B: { callMinutes: null, smsCount: '10' } }, switchRules: { triggers: { calls: 5 } } } });
  assert.ok(good.ok, JSON.stringify(!good.ok && good.errors));
});

test('a list that may be null is a choice: null (every line) or the list itself (only these)', () => {
  const v = variants(['sip', 'forward', 'twoStage', 'lines']);
  assert.deepEqual(v.map((x) => x.id), ['null', 'list']);
  assert.equal(variantOf(v, null)?.id, 'null');
  assert.equal(variantOf(v, undefined)?.id, 'null', 'absent takes the default, null');
  assert.equal(variantOf(v, [1, 2])?.id, 'list');
  assert.equal(variantOf(v, [])?.id, 'list', 'an empty list is no line at all, not every line');
  assert.deepEqual(variantStart(v[1]!), []);
});
