/**
 * The bridge with a real SipEndpoint on loopback and SIPp as the platform: MESSAGE in both
 * destination formats with Chinese text becomes a stored UCS2 SMS with the same text, answered 202
 * only once stored; a store that fails gives 500 and nothing; the RELAY OK / RELAY ERROR report
 * reaches SIPp's socket (its out-of-call scenario answers 200 only to the expected body); a received
 * SMS reaches a SIPp UAS as a MESSAGE in the manual's format.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planText } from '../../../src/gsm/index.js';
import { formatSipForwardBody } from '../../../src/sms/forward-format.js';
import { REPORT_KIND } from '../../../src/sip/sms-bridge/index.js';
import type { Delivery, MessageStore, OutboundMessage } from '../../../src/store/message-store.js';
import { assertSippInstalled, freeUdpPort, startSipp, type SippRun } from '../../helpers/sipp.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { startEndpoint, type CoreEndpoint } from '../core/core-fixtures.js';
import { startRig, type BridgeRig, type RigOptions } from './bridge-harness.js';
import { writeMessageReceiver, writeUacMessage, type UacMessageScenario } from './sipp-message.js';

interface Platform {
  readonly core: CoreEndpoint;
  readonly rig: BridgeRig;
  readonly dir: string;
}

async function platform(t: TestContext, over: Partial<RigOptions> = {}): Promise<Platform> {
  assertSippInstalled();
  const core = await startEndpoint();
  t.after(() => core.close());
  const rig = startRig(t, { endpoint: core.endpoint, localPort: core.udpPort, ...over });
  core.endpoint.handle(rig.bridge.method, rig.bridge.handler);
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-sms-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { core, rig, dir };
}

/** SIPp sends the MESSAGE; the report (if any) is checked by its out-of-call scenario. */
function runUac(p: Platform, scenario: UacMessageScenario, reportRegexp: string): { sipp: SippRun; log: string; port: Promise<number> } {
  const sf = writeUacMessage(p.dir, scenario);
  const ooc = writeMessageReceiver(p.dir, 'report', reportRegexp);
  const log = join(p.dir, 'messages.log');
  const port = freeUdpPort();
  const sipp = { started: undefined as SippRun | undefined };
  const run = port.then((localPort) => {
    sipp.started = startSipp(['-sf', sf, '-oocsf', ooc, '-i', '127.0.0.1', '-p', String(localPort), '-m', '1', '-nostdin', '-timeout', '20s', '-trace_msg', '-message_file', log, `127.0.0.1:${p.core.udpPort}`], p.dir);
    return sipp.started;
  });
  return {
    sipp: {
      exited: run.then((s) => s.exited),
      output: () => sipp.started?.output() ?? '',
      kill: () => sipp.started?.kill(),
    },
    log,
    port,
  };
}

async function storedSms(store: MessageStore): Promise<OutboundMessage> {
  let found: OutboundMessage | undefined;
  await waitUntil(
    () => {
      found = store.queryOutbound({ limit: 1 }).items[0];
      return found !== undefined;
    },
    5000,
    'the SMS in the outbox',
  );
  return found!;
}

function reportJob(store: MessageStore, id: string): Delivery | undefined {
  return store.deliveriesOf(id).find((d) => d.kind === REPORT_KIND);
}

test('body mode: Chinese MESSAGE → a UCS2 SMS with the same text, 202, then RELAY OK back at the sender’s socket', async (t) => {
  const p = await platform(t);
  const run = runUac(p, { toUser: 'goip-01', body: '13602345012\n测试 1', expectStatus: 202, lingerMs: 3000 }, '^SMS\\(callid:[^@)]+\\) RELAY OK$');
  const sms = await storedSms(p.rig.store);
  assert.equal(sms.origin, 'sip');
  assert.equal(sms.client, 'sip:demo');
  assert.equal(sms.number, '13602345012');
  assert.equal(sms.text, '测试 1');
  assert.equal(planText(sms.text).encoding, 'ucs2', 'Chinese text goes out as UCS2');
  p.rig.markSent(sms.id);
  await waitUntil(() => reportJob(p.rig.store, sms.id)?.status === 'done', 5000, 'the report answered 200 by SIPp');
  const code = await run.sipp.exited;
  assert.equal(code, 0, `sipp exited with ${code}:\n${run.sipp.output().slice(-2000)}`);
  const log = readFileSync(run.log, 'utf8');
  const key = /Call-ID: ([^@\r\n]+)@/.exec(log)?.[1];
  assert.ok(key !== undefined, 'SIPp logged its Call-ID');
  assert.ok(log.includes(`SMS(callid:${key}) RELAY OK`), 'the report names the MESSAGE’s Call-ID before @');
});

test('To mode: the destination is the Request-URI/To user, the whole body is the text', async (t) => {
  const p = await platform(t);
  p.rig.message.destination = 'to';
  p.rig.message.relayReport = false;
  const run = runUac(p, { toUser: '13602345012', body: '测试 2', expectStatus: 202, lingerMs: 200 }, 'never');
  const sms = await storedSms(p.rig.store);
  const code = await run.sipp.exited;
  assert.equal(code, 0, `sipp exited with ${code}:\n${run.sipp.output().slice(-2000)}`);
  assert.equal(sms.number, '13602345012');
  assert.equal(sms.text, '测试 2');
  assert.equal(planText(sms.text).encoding, 'ucs2');
  assert.deepEqual(p.rig.store.deliveriesOf(sms.id), [], 'no report is kept when relayReport is off');
});

test('a failed send comes back as RELAY ERROR:<the modem’s +CMS ERROR>', async (t) => {
  const p = await platform(t);
  const run = runUac(p, { toUser: 'goip-01', body: '13602345012\n你好', expectStatus: 202, lingerMs: 3000 }, '^SMS\\(callid:[^@)]+\\) RELAY ERROR:500$');
  const sms = await storedSms(p.rig.store);
  p.rig.markFailed(sms.id, 'line 1: +CMS ERROR: 500 (after 3 attempts)');
  await waitUntil(() => reportJob(p.rig.store, sms.id)?.status === 'done', 5000, 'the error report answered 200 by SIPp');
  assert.equal(await run.sipp.exited, 0, run.sipp.output().slice(-2000));
  assert.match(readFileSync(run.log, 'utf8'), /RELAY ERROR:500/);
});

test('a store that fails: 500, no 202, nothing in the outbox, no report kept', async (t) => {
  const p = await platform(t, { submit: () => Promise.reject(new Error('disk I/O error')) });
  const run = runUac(p, { toUser: 'goip-01', body: '13602345012\n你好', expectStatus: 500, lingerMs: 100 }, 'never');
  const code = await run.sipp.exited;
  assert.equal(code, 0, `sipp did not get the 500:\n${run.sipp.output().slice(-2000)}`);
  assert.equal(p.rig.store.queryOutbound({}).total, 0);
  assert.doesNotMatch(readFileSync(run.log, 'utf8'), /SIP\/2\.0 202/);
  assert.equal(p.rig.store.pending('sip-relay-pending', 10).length, 0, 'the parked report was dropped');
});

test('a received SMS reaches a SIPp UAS as MESSAGE in the manual’s format (sender CRLF (L1) text)', async (t) => {
  const p = await platform(t);
  const uasPort = await freeUdpPort();
  const sf = writeMessageReceiver(p.dir, 'uas', '^\\+8613670128297..\\(L1\\)你好$');
  const log = join(p.dir, 'uas.log');
  const sipp = startSipp(['-sf', sf, '-i', '127.0.0.1', '-p', String(uasPort), '-m', '1', '-nostdin', '-timeout', '20s', '-trace_msg', '-message_file', log], p.dir);
  t.after(() => sipp.kill());
  // SIPp needs a moment to bind its socket; a MESSAGE sent before is retransmitted (Timer E).
  await p.rig.bridge.sendMessage(`101@127.0.0.1:${uasPort}`, formatSipForwardBody(1, '+8613670128297', '你好'));
  assert.equal(await sipp.exited, 0, sipp.output().slice(-2000));
  const text = readFileSync(log, 'utf8');
  assert.match(text, /MESSAGE sip:101@127\.0\.0\.1:\d+ SIP\/2\.0/);
  assert.match(text, /Content-Type: text\/plain;charset=UTF-8/);
  assert.ok(text.includes('+8613670128297\r\n(L1)你好'), 'the body in the manual’s format');
});
