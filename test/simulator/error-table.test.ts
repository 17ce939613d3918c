/**
 * The simulator's error table and the drivers' are written separately on purpose (the simulator must
 * not believe what the drivers believe); this test holds them against each other, so a wrong number or
 * text in either shows up as a disagreement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cmeErrorText, cmsErrorText } from '../../modem-drivers/generic/error-codes.js';
import { QUECTEL_HTTP_ERRORS } from '../../modem-drivers/quectel/http.js';
import { SIMCOM_HTTP_ERRORS } from '../../modem-drivers/simcom/http.js';
import {
  CME_ERRORS,
  CMS_ERRORS,
  QUECTEL_HTTP,
  QUECTEL_HTTP_MEANING,
  SIMCOM_HTTP,
  SIMCOM_HTTP_MEANING,
} from '../../modem-drivers/simulator/modem/error-table.js';
import { finalText } from '../../modem-drivers/simulator/modem/outcome.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** The driver may shorten a text (it describes, it does not print); a shortening keeps the start. */
function agrees(driverText: string, simulatorText: string): boolean {
  const d = norm(driverText);
  const s = norm(simulatorText);
  return d === s || s.startsWith(`${d} `) || s.startsWith(`${d} -`);
}

function driverCodes(text: (code: number) => string | undefined): number[] {
  const out: number[] = [];
  for (let code = 0; code <= 1000; code++) if (text(code) !== undefined) out.push(code);
  return out;
}

test('every +CME ERROR code the driver describes is in the simulator\'s table with the same meaning', () => {
  const codes = driverCodes(cmeErrorText);
  assert.ok(codes.length > 40);
  for (const code of codes) {
    const sim = CME_ERRORS.get(code);
    assert.ok(sim !== undefined, `+CME ERROR ${code} (${cmeErrorText(code)}) is unknown to the simulator`);
    assert.ok(agrees(cmeErrorText(code)!, sim), `+CME ERROR ${code}: driver says "${cmeErrorText(code)}", simulator says "${sim}"`);
  }
});

test('every +CMS ERROR code the driver describes is in the simulator\'s table with the same meaning', () => {
  const codes = driverCodes(cmsErrorText);
  assert.ok(codes.length > 40);
  for (const code of codes) {
    const sim = CMS_ERRORS.get(code);
    assert.ok(sim !== undefined, `+CMS ERROR ${code} (${cmsErrorText(code)}) is unknown to the simulator`);
    assert.ok(agrees(cmsErrorText(code)!, sim), `+CMS ERROR ${code}: driver says "${cmsErrorText(code)}", simulator says "${sim}"`);
  }
});

test('the vendor HTTP codes the simulator gives mean the same to the Quectel and SIMCom drivers', () => {
  for (const code of Object.values(QUECTEL_HTTP)) {
    const sim = QUECTEL_HTTP_MEANING.get(code);
    assert.ok(sim, `Quectel ${code} has no meaning in the simulator's table`);
    assert.equal(norm(QUECTEL_HTTP_ERRORS[code] ?? '(unknown to the driver)'), norm(sim), `Quectel HTTP(S) code ${code}`);
  }
  for (const code of Object.values(SIMCOM_HTTP)) {
    const sim = SIMCOM_HTTP_MEANING.get(code);
    assert.ok(sim, `SIMCom ${code} has no meaning in the simulator's table`);
    assert.equal(norm(SIMCOM_HTTP_ERRORS[code] ?? '(unknown to the driver)'), norm(sim), `SIMCom HTTP status ${code}`);
  }
});

/** Numeric error codes written literally in the simulator's sources: cme(N), cms(N), fail(N, ...) and the CMS table of commands-sms. */
function codesInSimulatorSources(): { cme: Set<number>; cms: Set<number> } {
  const cme = new Set<number>();
  const cms = new Set<number>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of walk(join(repoRoot, 'modem-drivers', 'simulator'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bcme\((\d+)\)/g)) cme.add(Number(m[1]));
    for (const m of text.matchAll(/\bcms\((\d+)\)/g)) cms.add(Number(m[1]));
    // sms-center's submit failures and commands-sms's named +CMS ERROR codes
    for (const m of text.matchAll(/\bfail\((\d+),/g)) cms.add(Number(m[1]));
    const table = /const CMS = \{([^}]*)\}/.exec(text);
    if (table) for (const m of table[1]!.matchAll(/:\s*(\d+)/g)) cms.add(Number(m[1]));
  }
  return { cme, cms };
}

test('every standard error code the simulator gives is known to both tables (so the driver can describe it)', () => {
  const { cme, cms } = codesInSimulatorSources();
  assert.ok(cme.size >= 8 && cms.size >= 10, `found cme ${[...cme]} cms ${[...cms]}`);
  for (const code of cme) {
    assert.ok(CME_ERRORS.has(code), `the simulator gives +CME ERROR: ${code} but its table does not list it`);
    assert.ok(cmeErrorText(code) !== undefined, `the simulator gives +CME ERROR: ${code} but the driver cannot describe it`);
  }
  for (const code of cms) {
    assert.ok(CMS_ERRORS.has(code), `the simulator gives +CMS ERROR: ${code} but its table does not list it`);
    assert.ok(cmsErrorText(code) !== undefined, `the simulator gives +CMS ERROR: ${code} but the driver cannot describe it`);
  }
});

test('the simulator prints verbose texts from its own table, and vendor codes as numbers', () => {
  const verbose = { verbose: true, quiet: false, cmee: 2 } as const;
  assert.equal(finalText({ kind: 'CME', code: 10 }, verbose), '+CME ERROR: SIM not inserted');
  assert.equal(finalText({ kind: 'CMS', code: 321 }, verbose), '+CMS ERROR: invalid memory index');
  assert.equal(finalText({ kind: 'CME', code: QUECTEL_HTTP.busy }, verbose), '+CME ERROR: 703');
  assert.equal(finalText({ kind: 'CME', code: 10 }, { ...verbose, cmee: 1 }), '+CME ERROR: 10');
});
