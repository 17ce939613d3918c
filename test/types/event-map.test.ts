/**
 * The event maps of src/events.ts are checked by the compiler: wrong-event-payload.fail.ts (left out
 * of the build) must fail to compile with the expected error on each marked line and nowhere else,
 * and its control, event-payload.control.ts, must compile. The compiler options are the project's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const FAIL_FILE = path.join(repoRoot, 'test', 'types', 'wrong-event-payload.fail.ts');
const CONTROL_FILE = path.join(repoRoot, 'test', 'types', 'event-payload.control.ts');

function projectOptions(): ts.CompilerOptions {
  const configPath = path.join(repoRoot, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  assert.equal(read.error, undefined);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot);
  return { ...parsed.options, noEmit: true, sourceMap: false };
}

/** Diagnostics of one file, as `line: TScode` (1-based line). */
function diagnosticsOf(program: ts.Program, file: string): string[] {
  const sf = program.getSourceFile(file);
  assert.ok(sf, `${file} was not compiled`);
  return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
    const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line + 1;
    return `${line}: TS${d.code}`;
  });
}

/** The `expect: TS<code>` markers of a file, as `line: TScode`. */
function expectedOf(file: string): string[] {
  const text = ts.sys.readFile(file) ?? '';
  return text.split('\n').flatMap((l, i) => [...l.matchAll(/\/\/ expect: (TS\d+)/g)].map((m) => `${i + 1}: ${m[1]}`));
}

test('the fail file is left out of the build and the control is in it', () => {
  const read = ts.readConfigFile(path.join(repoRoot, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const files = ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot).fileNames.map((f) => path.resolve(f));
  assert.ok(!files.includes(FAIL_FILE), 'wrong-event-payload.fail.ts must not be part of the build');
  assert.ok(files.includes(CONTROL_FILE));
});

test('a wrong event payload or name does not compile; the right ones do', () => {
  const program = ts.createProgram({ rootNames: [FAIL_FILE, CONTROL_FILE], options: projectOptions() });
  const want = expectedOf(FAIL_FILE);
  assert.ok(want.length >= 4, `expected markers in ${FAIL_FILE}`);
  assert.deepEqual(diagnosticsOf(program, FAIL_FILE), want);
  assert.deepEqual(diagnosticsOf(program, CONTROL_FILE), []);
});
