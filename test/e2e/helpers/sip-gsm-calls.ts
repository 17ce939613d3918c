/**
 * Helpers for the GSM → SIP end-to-end tests: an outside caller ringing a line's SIM through the
 * simulator's control API, the outside party's view of that call, the daemon's record of it, and SIPp
 * runs (phones and REGISTERs) against the daemon's SIP port.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, startSipp, type SippRun } from '../../helpers/sipp.js';
import { waitFor, type SmsDaemon } from '../sms-daemon.js';

export const SIPP_FIXTURES = fileURLToPath(new URL('../../../../fixtures/sip/sipp/', import.meta.url));

export interface OutsideCall {
  id: number;
  from: string;
  to: string;
  state: string;
  cause: string | null;
}

/** An outside caller `from` rings the SIM of line `line`; returns the simulator's call id. */
export async function ringLine(x: SmsDaemon, line: number, from: string): Promise<{ id: number; to: string }> {
  const to = (await x.line(line)).sim.number;
  assert.ok(to, `line ${line} has a SIM number`);
  const r = await x.sim('POST', '/calls', { from, to });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { id: (r.body as OutsideCall).id, to };
}

export async function outsideCall(x: SmsDaemon, id: number): Promise<OutsideCall> {
  const calls = (await x.sim('GET', '/calls')).body.calls as OutsideCall[];
  const c = calls.find((c) => c.id === id);
  if (!c) throw new Error(`the simulator has no call ${id}`);
  return c;
}

/** The daemon's ended record of the incoming call from `from` (as the network presents it: "+86…") on `line` (GET /api/calls). */
export async function recordOf(x: SmsDaemon, line: number, from: string): Promise<any> {
  const { found } = await waitFor(
    `the record of the call from ${from} on line ${line}`,
    async () => {
      const items: any[] = (await x.call('GET', '/calls?limit=100')).body.items;
      return { items, found: items.find((r) => r.line === line && r.number === from) ?? null };
    },
    (v) => v.found !== null,
    15_000,
    100,
  );
  return found;
}

/** SIPp on 127.0.0.1:`port` running `scenario` (a file under fixtures/sip/sipp or a path) for one call. */
export async function sippPhone(port: number, scenario: string, cwd: string, extra: string[] = []): Promise<SippRun> {
  const file = scenario.includes('/') ? scenario : SIPP_FIXTURES + scenario;
  const mediaPort = await freeUdpPort();
  const run = startSipp(['-sf', file, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-timeout', '30s', '-mp', String(mediaPort), ...extra], cwd);
  await new Promise((r) => setTimeout(r, 300)); // SIPp binds its socket before the first INVITE can come
  return run;
}

/** SIPp registers `user` from 127.0.0.1:`port` with the daemon's registrar (401, then 200); resolves with its exit code. */
export async function sippRegister(sipPort: number, port: number, user: string, password: string, cwd: string): Promise<{ code: number | null; output: string }> {
  const run = startSipp(
    ['-sf', SIPP_FIXTURES + 'registrar-register.xml', '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-timeout', '10s', '-s', user, '-au', user, '-ap', password, `127.0.0.1:${sipPort}`],
    cwd,
  );
  const code = await run.exited;
  return { code, output: run.output() };
}
