/**
 * The plain-language readings of SIM limits, dial rules and prefix lists the settings pages show as
 * the operator types, composed from the English catalogue's own words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { explainLimit, type LimitWords } from '../../web/src/config/limit-explain.js';
import { conditionText, explainDialRules, explainPrefixList, type RuleWords } from '../../web/src/config/rule-explain.js';
import { parseDialRules } from '../../src/routing/dial-rules.js';

function packageRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'web'))) dir = path.dirname(dir);
  return dir;
}

const en = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'web/src/i18n/en.json'), 'utf8')) as Record<string, string>;
const tr = (key: string, params: Record<string, string | number> = {}) => {
  assert.ok(key in en, `${key} is in en.json`);
  return en[key]!.replace(/\{(\w+)\}/g, (_, n: string) => String(params[n]));
};

const minutes: LimitWords = {
  amount: (n) => tr('limits.amountMinutes', { n }),
  window: (from, to, amount) => tr('limits.window', { from, to, amount }),
  separator: tr('limits.separator'),
  total: (amount) => tr('limits.total', { amount }),
  monthly: (day, amount) => tr('limits.monthly', { day, amount }),
  none: tr('limits.none'),
};

const rules: RuleWords = {
  startsWith: (prefix) => tr('config.rule.startsWith', { prefix }),
  everyNumber: tr('config.rule.everyNumber'),
  remove: (text) => tr('config.rule.remove', { text }),
  prepend: (text) => tr('config.rule.prepend', { text }),
  unchanged: tr('config.rule.unchanged'),
  rule: (condition, actions) => tr('config.rule.rule', { condition, actions }),
  then: tr('config.rule.then'),
  otherwise: tr('config.rule.otherwise'),
  none: tr('config.rule.none'),
  prefixes: (list) => tr('config.rule.prefixes', { list }),
  listSeparator: tr('config.rule.listSeparator'),
};

test('time windows read as the issue writes them, with the gaps noted', () => {
  const r = explainLimit('05:00-12:00,100|12:00-23:00,200', minutes);
  assert.deepEqual(r, { ok: true, text: '05:00–12:00: 100 minutes; 12:00–23:00: 200 minutes', gaps: true });
  // Sorted by start as the engine sorts them; a window ending at midnight prints 24:00; a whole day has no gap.
  assert.deepEqual(explainLimit(' 12:00-0:00 , 7 | 00:00-12:00,3', minutes), { ok: true, text: '00:00–12:00: 3 minutes; 12:00–24:00: 7 minutes', gaps: false });
  assert.deepEqual(explainLimit('22:00-06:00,50', minutes), { ok: true, text: '22:00–06:00: 50 minutes', gaps: true });
});

test('totals, monthly cycles and blanks', () => {
  assert.deepEqual(explainLimit('0100', minutes), { ok: true, text: 'at most 100 minutes in total; it never resets by itself', gaps: false });
  assert.deepEqual(explainLimit('d5,1000', minutes), { ok: true, text: '1000 minutes per monthly cycle, starting on day 5 at 00:00', gaps: false });
  assert.deepEqual(explainLimit('   ', minutes), { ok: true, text: 'No limit', gaps: false });
});

test('a bad limit gives the engine parser\'s message and column', () => {
  assert.deepEqual(explainLimit('05:00-25:00,100', minutes), { ok: false, error: '"05:00-25:00,100" column 7: hour 25 is not 00-23', column: 7 });
  const overlap = explainLimit('05:00-12:00,1|11:00-13:00,2', minutes);
  assert.equal(overlap.ok, false);
  assert.match(overlap.ok ? '' : overlap.error, /windows overlap: 05:00-12:00 and 11:00-13:00/);
});

test('dial rules read rule by rule, in the order they are tried', () => {
  assert.deepEqual(explainDialRules('86:-86|01[3-8]:-0++86|:+0', rules), {
    ok: true,
    text: 'numbers starting with 86: remove 86 at the start; otherwise numbers starting with 01[3-8]: remove 0 at the start, then put +86 in front; otherwise any number: put 0 in front',
  });
  assert.deepEqual(explainDialRules('1xx:', rules), { ok: true, text: 'numbers starting with 1XX: leave the number as it is' });
  assert.deepEqual(explainDialRules('', rules), { ok: true, text: 'No rules: numbers are used as they are.' });
  const bad = explainDialRules('13:+0||15:+0', rules);
  assert.deepEqual(bad, { ok: false, error: (parseDialRules('13:+0||15:+0') as { error: string }).error });
  const parsed = parseDialRules('1[3-8]XX:');
  assert.equal(parsed.ok && conditionText(parsed.rules[0]!.condition), '1[3-8]XX');
});

test('prefix lists name their prefixes once, full-width commas accepted', () => {
  assert.deepEqual(explainPrefixList('00, 13，15,13', rules), { ok: true, text: 'Numbers starting with 00, 13, 15' });
  assert.deepEqual(explainPrefixList('', rules), { ok: true, text: 'No rules: numbers are used as they are.' });
  assert.equal(explainPrefixList('00,,13', rules).ok, false);
});
