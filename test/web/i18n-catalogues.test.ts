/**
 * The operator UI's translations: every key in both catalogues (English, Simplified Chinese), every
 * `t('key')` used in web/src defined, no key built at run time (the scan could not check it) except
 * the configuration field labels, whose keys are checked against the configuration schema instead, the
 * same {placeholders} in both languages, and Chinese text that is really Chinese.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkSchema } from '../../web/src/config/schema-walk.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'web'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
  return dir;
}

const root = packageRoot();
const src = join(root, 'web', 'src');

function catalogue(name: string): Record<string, string> {
  const data: unknown = JSON.parse(readFileSync(join(src, 'i18n', name), 'utf8'));
  assert.ok(typeof data === 'object' && data !== null && !Array.isArray(data), `${name} is a flat object`);
  for (const [k, v] of Object.entries(data)) assert.equal(typeof v, 'string', `${name}: ${k} is a string`);
  return data as Record<string, string>;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/**
 * The files allowed to pass t() a computed key: t's own definition, and the one helper that turns a
 * configuration path into `cfgkey.<path>` / `cfghint.<path>` (checked below against the schema).
 */
const COMPUTED_KEY_FILES = new Set(['web/src/i18n/index.ts', 'web/src/config/field-labels.ts']);

/** Keys passed to t() as literals, and the places where t() gets anything else. */
function usedKeys(): { keys: Map<string, string>; dynamic: string[] } {
  const keys = new Map<string, string>();
  const dynamic: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    for (const m of text.matchAll(/(?<![\w.])t\(\s*([^,)]*)/g)) {
      const arg = m[1]!.trim();
      const literal = /^(['"])([^'"\\]+)\1$/.exec(arg) ?? /^`([^`$\\]+)`$/.exec(arg);
      if (literal) keys.set(literal[literal.length - 1]!, where);
      else if (arg !== '' && !COMPUTED_KEY_FILES.has(where.split('\\').join('/'))) dynamic.push(`${where}: t(${arg}`);
    }
  }
  return { keys, dynamic };
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('both catalogues have the same keys and placeholders, none empty', () => {
  const en = catalogue('en.json');
  const zh = catalogue('zh-CN.json');
  const missingZh = Object.keys(en).filter((k) => !(k in zh));
  const missingEn = Object.keys(zh).filter((k) => !(k in en));
  assert.deepEqual(missingZh, [], 'keys missing in zh-CN.json');
  assert.deepEqual(missingEn, [], 'keys missing in en.json');
  for (const k of Object.keys(en)) {
    assert.ok(en[k]!.trim() !== '', `en.json: ${k} is empty`);
    assert.ok(zh[k]!.trim() !== '', `zh-CN.json: ${k} is empty`);
    assert.deepEqual(placeholders(zh[k]!), placeholders(en[k]!), `${k}: placeholders differ between the languages`);
  }
});

test('the Chinese catalogue is translated, not English copied', () => {
  const en = catalogue('en.json');
  const zh = catalogue('zh-CN.json');
  // Names such as "VoIP" or "USSD" are the same in both; anything with English words must not be.
  const untranslated = Object.keys(zh).filter((k) => !/[\u4e00-\u9fff]/.test(zh[k]!) && /[a-z]{3,}/.test(zh[k]!.replace(/\{\w+\}/g, '')) );
  assert.deepEqual(untranslated, [], 'zh-CN values that look like untranslated English');
  assert.ok(Object.keys(en).length > 0);
});

test('every key the UI uses is defined, and no key is built at run time', () => {
  const en = catalogue('en.json');
  const zh = catalogue('zh-CN.json');
  const { keys, dynamic } = usedKeys();
  assert.ok(keys.size > 0, 'the scan found t() calls');
  assert.deepEqual(dynamic, [], 't() called with something other than a literal key');
  const undefinedKeys = [...keys].filter(([k]) => !(k in en) || !(k in zh)).map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(undefinedKeys, [], 'keys used but not defined in both catalogues');
});

test('configuration field labels: every schema key has one, in both languages, and none is stale', () => {
  const en = catalogue('en.json');
  const zh = catalogue('zh-CN.json');
  // Every key path the generic editor can show a field for (into unions' variants and records' values
  // too), list indices and record keys left out; the sections' titles are `config.section.*`.
  const paths = walkSchema().labels;
  assert.ok(paths.includes('sms.sendIntervalSec') && paths.includes('lines.imeiWrite.mode') && paths.includes('sip.registration.account.registrar') && paths.includes('lines.simSwitch.port'), 'the schema walk reaches nested keys');
  const known = new Set(paths);
  for (const [name, cat, other] of [['en.json', en, zh], ['zh-CN.json', zh, en]] as const) {
    const ours = Object.keys(cat).filter((k) => k.startsWith('cfgkey.') || k.startsWith('cfghint.'));
    assert.deepEqual(ours.filter((k) => !(k in other)), [], `${name}: field labels missing in the other language`);
    assert.deepEqual(paths.filter((p) => !(`cfgkey.${p}` in cat)), [], `${name}: schema keys without a cfgkey.* label`);
    assert.deepEqual(ours.filter((k) => !known.has(k.replace(/^cfg(key|hint)\./, ''))), [], `${name}: labels of keys the schema does not have`);
    assert.deepEqual(ours.filter((k) => k.startsWith('cfghint.') && !(`cfgkey.${k.slice('cfghint.'.length)}` in cat)), [], `${name}: hints without a label`);
  }
});

test('union choices: every variant the editor offers is named in both languages, and none is stale', () => {
  const variants = walkSchema().variants;
  assert.ok(variants.includes('http.tls.self-signed') && variants.includes('lines.simSwitch.gpio'), 'the schema walk finds the unions');
  for (const [name, cat] of [['en.json', catalogue('en.json')], ['zh-CN.json', catalogue('zh-CN.json')]] as const) {
    assert.deepEqual(variants.filter((v) => !(`cfgvariant.${v}` in cat)), [], `${name}: union variants without a cfgvariant.* name`);
    assert.deepEqual(Object.keys(cat).filter((k) => k.startsWith('cfgvariant.') && !variants.includes(k.slice('cfgvariant.'.length))), [], `${name}: names of variants the schema does not have`);
  }
});

test('only the field-label helper builds cfgkey.*, cfghint.* and cfgvariant.* keys', () => {
  const elsewhere = sources(src)
    .map((f) => relative(root, f).split('\\').join('/'))
    .filter((f) => f !== 'web/src/config/field-labels.ts' && /cfg(key|hint|variant)\./.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(elsewhere, [], 'files naming cfgkey.*/cfghint.* keys outside web/src/config/field-labels.ts');
});
