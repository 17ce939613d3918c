import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findDuplicateKeys, formatJsonSyntaxError, locateSyntaxError, parseJsonText } from '../../src/config/json-text.js';

function errorAt(text: string): string {
  const r = parseJsonText(text);
  assert.equal(r.ok, false, `expected a syntax error in ${JSON.stringify(text)}`);
  return r.ok ? '' : formatJsonSyntaxError(r.error);
}

test('valid JSON parses, with or without a byte order mark', () => {
  assert.deepEqual(parseJsonText('{"a": [1, 2.5e3, -0, true, null, "x\\u00e9"]}'), { ok: true, value: { a: [1, 2500, -0, true, null, 'xé'] } });
  assert.deepEqual(parseJsonText('\ufeff{"a": 1}'), { ok: true, value: { a: 1 } });
});

test('common hand-editing mistakes are located and named', () => {
  assert.equal(errorAt(''), '1:1: the file is empty; expected a JSON object such as {}');
  assert.equal(errorAt('{"a": 1,}'), "1:9: trailing comma before '}'");
  assert.equal(errorAt('[1, 2,]'), "1:7: trailing comma before ']'");
  assert.equal(errorAt('{\n  "a": 1\n  "b": 2\n}'), "3:3: expected ',' or '}' after a property value, got '\"'");
  assert.equal(errorAt('{\n  a: 1\n}'), '2:3: property names must be in double quotes');
  assert.equal(errorAt("{'a': 1}"), '1:2: property names must be in double quotes, not single quotes');
  assert.equal(errorAt('{"a": \'x\'}'), '1:7: strings must be in double quotes, not single quotes');
  assert.equal(errorAt('{"a": 1 // note\n}'), '1:9: comments are not allowed in JSON');
  assert.equal(errorAt('{"a": 01}'), '1:7: numbers cannot have leading zeros');
  assert.equal(errorAt('{"a": 1.}'), "1:9: expected a digit after '.'");
  assert.equal(errorAt('{"a": "x\ny"}'), '1:9: unterminated string (line break inside a string)');
  assert.equal(errorAt('{"a": "\\q"}'), "1:8: invalid escape '\\q' in string");
  assert.equal(errorAt('{"a" 1}'), "1:6: expected ':' after a property name, got '1'");
  assert.equal(errorAt('{"a": [1, 2}'), "1:12: expected ',' or ']' after an array item, got '}'");
  assert.equal(errorAt('{"a": 1}}'), "1:9: unexpected '}' after the end of the document");
  assert.equal(errorAt('{"a": tru}'), '1:7: unexpected word "tru"; strings must be in double quotes');
  assert.equal(errorAt('{"a": NaN}'), '1:7: unexpected word "NaN"; strings must be in double quotes');
  assert.equal(errorAt('{"a": [1'), "1:9: unexpected end of input; a ']' is missing");
  assert.equal(errorAt('\r\n{\r\n "a": +1}'), "3:7: unexpected '+'; expected a value");
});

test('the locator agrees with JSON.parse on arbitrary text (property)', () => {
  const accepts = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  const jsonish = fc.stringMatching(/^[{}[\]",:0-9a-z .\-+eE\\\n]{0,30}$/);
  fc.assert(
    fc.property(fc.oneof(jsonish, fc.json(), fc.string()), (s) => {
      assert.equal(locateSyntaxError(s) === undefined, accepts(s), JSON.stringify(s));
    }),
    { numRuns: 3000 },
  );
});

test('deep nesting is handled without recursion', () => {
  const deep = '['.repeat(100000);
  assert.equal(errorAt(deep), "1:100001: unexpected end of input; a ']' is missing");
});

test('findDuplicateKeys: nested objects, arrays, escaped names, line and column of both', () => {
  const text = ['{', '  "a": 1,', '  "b": { "x": [ { "k": 1, "k": 2 } ], "x": null },', '  "\\u0061": 3', '}'].join('\n');
  assert.equal(parseJsonText(text).ok, true);
  assert.deepEqual(findDuplicateKeys(text), [
    { path: ['b', 'x', 0, 'k'], line: 3, column: 27, first: { line: 3, column: 19 } },
    { path: ['b', 'x'], line: 3, column: 39, first: { line: 3, column: 10 } },
    { path: ['a'], line: 4, column: 3, first: { line: 2, column: 3 } },
  ]);
});

test('findDuplicateKeys: the same key in different objects is no duplicate; strings that look like keys are values', () => {
  assert.deepEqual(findDuplicateKeys('[{"a": 1}, {"a": 2}, {"b": {"a": 3}, "a": "a", "c": ["a", "a"]}]'), []);
  assert.deepEqual(findDuplicateKeys('{"a": "x\\"y", "b": 1}'), []);
  assert.deepEqual(findDuplicateKeys('\ufeff{"a": 1, "a": 2}').map((d) => d.column), [11]);
});

test('findDuplicateKeys: deep nesting does not overflow the stack', () => {
  const depth = 100_000;
  const text = `${'['.repeat(depth)}{"a": 1, "a": 2}${']'.repeat(depth)}`;
  const dups = findDuplicateKeys(text);
  assert.equal(dups.length, 1);
  assert.equal(dups[0]!.path.length, depth + 1);
});

test('findDuplicateKeys: any valid JSON text without repeated names gives none', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      assert.deepEqual(findDuplicateKeys(JSON.stringify(v, null, 1)), []);
    }),
  );
});
