/**
 * The operator UI's translations: every key in both catalogues (English, Simplified Chinese), every
 * `t('key')` used in web/src defined, no key built at run time (the scan could not check it), the
 * same {placeholders} in both languages, and Chinese text that is really Chinese.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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
      else if (arg !== '' && !/^key\b/.test(arg)) dynamic.push(`${where}: t(${arg}`);
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
