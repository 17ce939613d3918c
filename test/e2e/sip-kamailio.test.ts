/**
 * Kamailio as the PBX's registrar and proxy (manual §4.3 "按线路注册"): cellgate registers one account
 * per line to it with digest, and a call a SIP phone (SIPp) places to a line's account is routed by
 * Kamailio to cellgate, which places it on that line. The account names the line, not a number, so the
 * number comes from the second stage (§4.6): here the fixed forward number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKamailio } from '../helpers/kamailio.js';
import { assertSippInstalled, freeUdpPort, startSipp } from '../helpers/sipp.js';
import { startSmsDaemon, waitFor } from './sms-daemon.js';

interface Registration {
  id: string;
  state: string;
  lines: number[];
}

interface CallView {
  origin: string;
  outcome: string;
  line: number;
  number: string | null;
  voip: { peer: string } | null;
}

test('cellgate registers per line to Kamailio and takes the calls Kamailio routes to a line account', { timeout: 90_000 }, async (t) => {
  assertSippInstalled();
  const kamailio = await startKamailio({ password: 'line-secret' });
  t.after(() => kamailio.stop());
  const account = (line: number) => ({ line, authId: `81${line.toString().padStart(2, '0')}`, password: 'line-secret', registrar: `127.0.0.1:${kamailio.port}`, expiresSec: 120 });
  const x = await startSmsDaemon({
    modems: 2,
    config: {
      sip: {
        // Kamailio listens on loopback only: our Contact must be reachable from there.
        publicHost: '127.0.0.1',
        registration: { mode: 'per-line', lines: [account(1), account(2)] },
        // Kamailio is the only peer that may send calls.
        trunk: { peers: [{ name: 'kamailio', addresses: [`127.0.0.1:${kamailio.port}`] }] },
        calls: { twoStage: { forwardNumber: '13912345678' } },
      },
    },
  });
  t.after(() => x.stop());

  const regs = await waitFor(
    'both line accounts registered at Kamailio',
    async () => (await x.call('GET', '/sip/registrations')).body as { accounts: Registration[] },
    (r) => r.accounts.length === 2 && r.accounts.every((a) => a.state === 'registered'),
    20_000,
  );
  assert.deepEqual(regs.accounts.map((a) => [a.id, a.lines]), [['line-1', [1]], ['line-2', [2]]]);
  assert.match(kamailio.locations(), /AoR: 8102/);
  const { lines } = (await x.call('GET', '/lines')).body as { lines: Array<{ id: number; voip: { account: string; state: string } | null }> };
  assert.deepEqual(lines.map((l) => l.voip), [{ account: 'line-1', state: 'registered' }, { account: 'line-2', state: 'registered' }]);

  // A phone calls the account of line 2 through Kamailio (INVITE, 200, ACK, BYE through its Record-Route).
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-kamailio-call-'));
  const scenario = fileURLToPath(new URL('../../../fixtures/sip/sipp/uac-through-proxy.xml', import.meta.url));
  const sipp = startSipp(['-sf', scenario, '-trace_err', '-error_file', join(dir, 'err.log'), '-s', '8102', '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-m', '1', '-nostdin', '-timeout', '30s', `127.0.0.1:${kamailio.port}`], dir);
  const code = await sipp.exited;
  if (code !== 0) {
    const errors = (await import('node:fs')).readFileSync(join(dir, 'err.log'), 'utf8');
    assert.fail(`SIPp failed (${code}):\n${errors.slice(-3000)}\n${kamailio.output().slice(-1500)}`);
  }

  const record = await waitFor(
    'the call record',
    async () => ((await x.call('GET', '/calls?limit=5')).body as { items: CallView[] }).items,
    (items) => items.length > 0,
  );
  assert.equal(record[0]!.line, 2, 'the call went out on the line whose account was called');
  assert.match(record[0]!.number ?? '', /13912345678$/);
  assert.equal(record[0]!.outcome, 'answered');
  assert.match(record[0]!.origin, /^sip:trunk:1/);
});
