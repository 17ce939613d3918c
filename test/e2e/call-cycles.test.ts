/**
 * Issue 13: "the audio port is opened and closed for 500 consecutive simulated calls with no frame drift
 * and no leaked file descriptors", through the daemon. `cellgate start` runs in its own process with
 * eight lines on simulated modems whose AT and PCM ports are ptys; 500 SIP → GSM calls to an echoing
 * outside number, eight at a time (one per line), each with 400 ms of 1 kHz A-law and ended by BYE
 * (bench/helpers/call-cycles.ts). The checks (bench/helpers/call-cycles-checks.ts): every call carried
 * the tone to the outside party and its echo back; per call, the frames the modem got match the time
 * they took (±2, less any ticks the daemon counted as skipped in a stall), and the daemon's own count of
 * frames written matches what the modem's port passed into the call plus what it discarded with no call up (±2); under/overruns
 * of the last 50 calls no more than of the first 50; the daemon's descriptors back to their level after
 * the first calls, and its RSS within budget. bench/call-cycles.bench.ts prints the same figures with
 * timings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCallCycles } from '../../bench/helpers/call-cycles.js';
import { cycleChecks } from '../../bench/helpers/call-cycles-checks.js';
import { haveSocat } from '../../modem-drivers/simulator/pty.js';

test('500 consecutive SIP → GSM calls through the daemon: audio in every call, no frame drift, no leaked descriptors', { timeout: 300_000 }, async (t) => {
  assert.ok(haveSocat(), 'the simulated modems on ptys need socat (Debian/Ubuntu: apt-get install socat)');
  const r = await runCallCycles({ calls: 500, lines: 8, audioMs: 400, tailMs: 200 });
  t.diagnostic(`${r.calls.length} calls in ${(r.elapsedMs / 1000).toFixed(1)} s`);
  const checks = cycleChecks(r);
  for (const c of checks) t.diagnostic(`${c.ok ? 'ok' : 'FAILED'} ${c.name}: ${c.detail}`);
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
});
