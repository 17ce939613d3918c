/**
 * Acceptance (issue 3): the README's command on a machine with no modems starts demo mode; within 30 s
 * GET /api/lines shows four lines registered on 4G with operator and signal. Runs the real CLI as a child
 * process with no configuration file (realistic simulator timing: registration takes ~3 s). Then the
 * README's SIP call through the demo trunk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';
import { assertSippInstalled, startSipp } from '../helpers/sipp.js';
import { replacePrintedPassword } from './helpers/first-password.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');

test('cellgate start with no configuration and no modems: demo mode, four lines registered on 4G within 30 s', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-demo-'));
  const started = Date.now();
  const child = spawn(process.execPath, [bin, 'start', '--data', join(dir, 'data'), '--http-port', '0', '--sip-port', '0', '--sim-control-port', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    let password = '';
    let port = '';
    while (!password || !port) {
      assert.ok(Date.now() - started < 15_000, `daemon did not start:\n${out}`);
      password = /admin \/ (\S+)/.exec(out)?.[1] ?? '';
      port = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(out, /demo mode: no modem configured or found/);
    password = await replacePrintedPassword(`http://127.0.0.1:${port}`, password);
    const auth = { authorization: 'Basic ' + Buffer.from(`admin:${password}`).toString('base64') };
    type L = { id: number; lifecycle: string; reg: string; operator: string | null; plmn: string | null; signal: number; signalDbm: number | null; modem: { family: string } };
    let lines: L[] = [];
    for (;;) {
      const r = await fetch(`http://127.0.0.1:${port}/api/lines`, { headers: auth });
      assert.equal(r.status, 200);
      lines = ((await r.json()) as { lines: L[] }).lines;
      if (lines.length === 4 && lines.every((l) => l.lifecycle === 'registered' && l.reg === '4G' && l.operator && l.signal !== 99)) break;
      assert.ok(Date.now() - started < 30_000, `not all registered after 30 s: ${JSON.stringify(lines.map((l) => [l.id, l.lifecycle, l.reg, l.operator]))}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = Date.now() - started;
    assert.deepEqual(lines.map((l) => l.id), [1, 2, 3, 4]);
    for (const l of lines) {
      assert.ok(l.signal >= 0 && l.signal <= 31, `signal ${l.signal}`);
      assert.equal(l.signalDbm, -113 + 2 * l.signal);
      assert.match(l.plmn ?? '', /^460\d\d$/);
    }
    assert.deepEqual([...new Set(lines.map((l) => l.modem.family))].sort(), ['quectel', 'simcom']);
    const dev = (await (await fetch(`http://127.0.0.1:${port}/api/device`, { headers: auth })).json()) as {
      mode: string;
      simulator: { modems: number; controlApi: string } | null;
      network: { name: string; mac: string | null; addresses: { family: string; cidr: string }[] }[];
    };
    assert.equal(dev.mode, 'demo');
    assert.equal(dev.simulator?.modems, 4);
    // the host's interfaces as os.networkInterfaces() has them, loopback left out
    const external = Object.entries(os.networkInterfaces()).filter(([, infos]) => (infos ?? []).some((a) => !a.internal)).map(([name]) => name).sort();
    assert.deepEqual(dev.network.map((n) => n.name), external);
    for (const n of dev.network) for (const a of n.addresses) assert.ok(!a.cidr.startsWith('127.'), `no loopback address: ${a.cidr}`);
    // the simulator's control API runs beside it
    const sims = (await (await fetch(`${dev.simulator!.controlApi}/modems`)).json()) as { modems: unknown[] };
    assert.equal(sims.modems.length, 4);
    console.log(`# demo mode: four lines registered on 4G ${elapsed} ms after start`);

    // The README's SIP call: SIPp's built-in caller rings a simulated number through the demo trunk
    // (127.0.0.1 admitted without authentication); the outside party answers, SIPp hangs up.
    assertSippInstalled();
    const sipPort = /SIP listening on [^:]+:(\d+)/.exec(out)?.[1];
    assert.ok(sipPort, `no SIP listener logged:\n${out.slice(-2000)}`);
    const sipp = startSipp(['-sn', 'uac', '-s', '13912345678', `127.0.0.1:${sipPort}`, '-m', '1', '-nostdin', '-timeout', '30s'], dir);
    assert.equal(await sipp.exited, 0, sipp.output().slice(-2000));
    // SIPp is done once our 200 for its BYE is in; the GSM side hangs up and files the record just after.
    let calls: { items: Array<{ origin: string; outcome: string; number: string }> } = { items: [] };
    for (const deadline = Date.now() + 10_000; calls.items.length === 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      calls = (await (await fetch(`http://127.0.0.1:${port}/api/calls`, { headers: auth })).json()) as typeof calls;
    }
    assert.equal(calls.items[0]?.origin, 'sip:demo');
    assert.equal(calls.items[0]?.outcome, 'answered');
  } finally {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 0, out.slice(-3000));
  }
});
