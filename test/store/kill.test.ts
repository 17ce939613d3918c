/**
 * Durability of CounterStore under kill -9: a child process records numbered calls and SMS in a loop,
 * printing each id only after the store acknowledged it, and is SIGKILLed at random moments. Every run
 * continues the numbering and first re-submits the last few ids (as a daemon re-submits what it is
 * unsure of), which must come back as duplicates when they were acknowledged.
 *
 * After each kill, and at the end, the database must hold every acknowledged id exactly once, at most
 * one unacknowledged extra per kill (the event in flight, committed just before the kill), and per-SIM
 * state documents equal to the sums of the stored events. (SIGKILL loses no page cache: this tests the
 * transaction protocol and idempotency, not fsync against power loss.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CounterStore } from '../../src/store/counter-store.js';
import { simKey, slotKey } from '../../src/store/records.js';
import { tempDir } from './temp-dir.js';

// Under tsx this file is .ts next to src/*.ts; compiled it is dist/test/store/*.js next to dist/src/*.js.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const storeModule = fileURLToPath(new URL(`../../src/store/counter-store${ext}`, import.meta.url));
const recordsModule = fileURLToPath(new URL(`../../src/store/records${ext}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const KILLS = 20;
const RESUBMIT = 3;
const T0 = Date.UTC(2025, 2, 1);

/**
 * Event n, a pure function of n shared by child and parent: every third event is an SMS, the rest are
 * calls; four SIMs on two lines.
 */
const EVENT_SRC = `
function event(n) {
  const sim = n % 4;
  const line = 'L' + (1 + (sim >> 1));
  const slot = sim & 1;
  const iccid = '898600000000000000' + sim;
  if (n % 3 === 0) {
    return { kind: 'sms', rec: { id: line + ':s' + n, line, slot, iccid, direction: 'out', number: '+100' + n, at: ${T0} + n * 1000, parts: 1 + (n % 2), ok: n % 7 !== 0, error: n % 7 === 0 ? 'CMS ERROR 500' : null } };
  }
  const answered = n % 5 !== 0;
  const d = answered ? (n * 37) % 400 : 0;
  const start = ${T0} + n * 1000;
  return { kind: 'call', rec: { id: line + ':c' + n, line, slot, iccid, direction: 'out', number: '+200' + n, startedAt: start,
    answeredAt: answered ? start + 3000 : null, endedAt: start + 3000 + d * 1000, durationS: d, billedS: Math.ceil(d / 60) * 60,
    cause: answered ? 'normal' : 'no-answer' } };
}
function apply(s, e) {
  const x = { ...s };
  if (e.kind === 'call') {
    x.calls++; if (e.rec.answeredAt !== null) x.connected++; x.seconds += e.rec.durationS; x.billed += e.rec.billedS;
  } else if (e.rec.ok) { x.sms++; x.smsParts += e.rec.parts; } else x.smsFailed++;
  return x;
}
const ZERO = { calls: 0, connected: 0, seconds: 0, billed: 0, sms: 0, smsParts: 0, smsFailed: 0 };
`;

const CHILD = `
import { CounterStore } from ${JSON.stringify(pathToFileURL(storeModule).href)};
import { simKey, slotKey } from ${JSON.stringify(pathToFileURL(recordsModule).href)};
${EVENT_SRC}
const [dir, fromArg] = process.argv.slice(2);
const store = CounterStore.open(dir);
// rebuild the in-memory state from the store, as the daemon does at start-up
const state = new Map();
for (const s of store.loadStates().values()) state.set(s.key, JSON.parse(s.json));
process.stdout.write('ready\\n');
for (let n = Number(fromArg); ; n++) {
  const e = event(n);
  const keys = [simKey(e.rec.iccid), slotKey(e.rec.line, e.rec.slot)];
  const next = keys.map((key) => ({ key, value: apply(state.get(key) ?? ZERO, e) }));
  const updates = next.map((u) => ({ key: u.key, json: JSON.stringify(u.value) }));
  const r = e.kind === 'call' ? store.recordCall(e.rec, updates) : store.recordSms(e.rec, updates);
  if (r.outcome === 'recorded') for (const u of next) state.set(u.key, u.value);
  // acknowledged: durable before this line is written
  process.stdout.write((r.outcome === 'recorded' ? 'new ' : 'dup ') + n + '\\n');
}
`;

interface Ev {
  kind: 'call' | 'sms';
  rec: { id: string; iccid: string; line: string; slot: number };
}
interface Sums {
  calls: number;
  connected: number;
  seconds: number;
  billed: number;
  sms: number;
  smsParts: number;
  smsFailed: number;
}
// The same functions in the parent, from the same source text.
const { event, apply, ZERO } = new Function(`${EVENT_SRC}; return { event, apply, ZERO };`)() as {
  event: (n: number) => Ev;
  apply: (s: Sums, e: Ev) => Sums;
  ZERO: Sums;
};

interface RunResult {
  acked: Map<number, 'new' | 'dup'>;
  stderr: string;
}

function runAndKill(script: string, dir: string, from: number, delayMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const args = [...(ext === '.ts' ? ['--import', 'tsx'] : []), script, dir, String(from)];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (timer === undefined && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: string) => (err += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited by itself (code ${code}, signal ${signal}): ${err}`));
        return;
      }
      const acked = new Map<number, 'new' | 'dup'>();
      // only complete lines: a line cut by the kill was never acknowledged
      const lines = out.split('\n');
      lines.pop();
      for (const l of lines) {
        const m = /^(new|dup) (\d+)$/.exec(l);
        if (m) acked.set(Number(m[2]), m[1] as 'new' | 'dup');
      }
      resolve({ acked, stderr: err });
    });
  });
}

/** Checks the database against what was acknowledged; returns the highest event number stored. */
function verify(dir: string, acked: Set<number>, kills: number): number {
  const store = CounterStore.open(dir, { check: 'quick' });
  try {
    const calls = store.queryCdrs({ limit: 1000 });
    for (let off = 1000; calls.length === off; off += 1000) calls.push(...store.queryCdrs({ limit: 1000, offset: off }));
    const smsRows = store.querySms({ limit: 1000 });
    for (let off = 1000; smsRows.length === off; off += 1000) smsRows.push(...store.querySms({ limit: 1000, offset: off }));
    const ids = [...calls.map((c) => c.id), ...smsRows.map((s) => s.id)];
    assert.equal(new Set(ids).size, ids.length, 'an id is stored twice');
    const stored = new Set(ids.map((id) => Number(/[cs](\d+)$/.exec(id)![1])));
    for (const n of acked) assert.ok(stored.has(n), `acknowledged event ${n} was lost`);
    const extra = [...stored].filter((n) => !acked.has(n));
    assert.ok(extra.length <= kills, `${extra.length} unacknowledged events stored after ${kills} kills: ${extra.join(',')}`);
    // every stored event matches its definition, and the state documents equal the sums of the log
    const expected = new Map<string, Sums>();
    for (const n of [...stored].sort((a, b) => a - b)) {
      const e = event(n);
      for (const key of [simKey(e.rec.iccid), slotKey(e.rec.line, e.rec.slot)]) expected.set(key, apply(expected.get(key) ?? ZERO, e));
    }
    for (const c of calls) {
      const want = event(Number(/c(\d+)$/.exec(c.id)![1])).rec as unknown as { durationS: number; billedS: number; startedAt: number };
      assert.deepEqual([c.durationS, c.billedS, c.startedAt], [want.durationS, want.billedS, want.startedAt], `call ${c.id} content`);
    }
    const states = store.loadStates();
    assert.deepEqual([...states.keys()].sort(), [...expected.keys()].sort());
    for (const [key, sums] of expected) assert.deepEqual(JSON.parse(states.get(key)!.json), sums, `state ${key}`);
    // and the store's own totals agree with the state documents
    for (let sim = 0; sim < 4; sim++) {
      const iccid = `898600000000000000${sim}`;
      const tot = store.totals({ iccid });
      const s = expected.get(simKey(iccid)) ?? ZERO;
      assert.deepEqual(
        { calls: tot.calls, connected: tot.connected, seconds: tot.seconds, billed: tot.billedSeconds, sms: tot.sms, smsParts: tot.smsParts, smsFailed: tot.smsFailed },
        s,
        `totals for ${iccid}`,
      );
    }
    return stored.size ? Math.max(...stored) : 0;
  } finally {
    store.close();
  }
}

test(`kill -9 ${KILLS} times while recording calls and SMS: nothing acknowledged lost, nothing counted twice`, { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const script = path.join(dir, 'child.mjs');
  fs.writeFileSync(script, CHILD);
  const dataDir = path.join(dir, 'data');
  const acked = new Set<number>();
  let highestAcked = 0;
  let resubmittedDup = 0;
  let inFlightCommitted = 0;
  for (let k = 1; k <= KILLS; k++) {
    // continue after the last acknowledged event, re-submitting the last few
    const from = Math.max(1, highestAcked + 1 - RESUBMIT);
    const delay = 20 + Math.floor(Math.random() * 200);
    const r = await runAndKill(script, dataDir, from, delay);
    assert.equal(r.stderr.trim(), '', `child stderr: ${r.stderr}`);
    const before = highestAcked;
    for (const [n, how] of r.acked) {
      if (n <= before) {
        // re-submitted: acknowledged before means duplicate now
        assert.equal(how, 'dup', `re-submitted acknowledged event ${n} was counted again`);
        resubmittedDup++;
      } else if (how === 'dup') {
        // only the event in flight at the previous kill may have been committed without an acknowledgement
        assert.equal(n, before + 1, `fresh event ${n} reported as duplicate`);
        inFlightCommitted++;
      }
      acked.add(n);
      highestAcked = Math.max(highestAcked, n);
    }
    verify(dataDir, acked, k);
  }
  assert.ok(acked.size > KILLS * 5, `only ${acked.size} events acknowledged over ${KILLS} runs`);
  assert.ok(resubmittedDup > 0, 'no re-submission was exercised');
  t.diagnostic(`${acked.size} events acknowledged over ${KILLS} kills; ${resubmittedDup} re-submissions came back as duplicates; ${inFlightCommitted} events in flight at a kill had been committed`);
});
