/**
 * The embedded registrar as a service on a real SIP endpoint (createSipAccounts): SIPp registers
 * extension 8001 with a 401 digest challenge, and the service then names its contact for the user,
 * the group and the line's groups, and in the API's extension list (without a password). Disabled,
 * REGISTER gets 405 with an Allow that leaves REGISTER out (RFC 3261 §8.2.1); enabled by a reload,
 * it is taken at once.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { SipConfig } from '../../../src/config/schema-sip.js';
import { createSipAccounts } from '../../../src/sip/accounts/create-sip-accounts.js';
import { silentLogger } from '../../../src/util/log.js';
import { requestText, sipPeer, startEndpoint } from '../core/core-fixtures.js';
import { assertSippInstalled, freeUdpPort, startSipp } from '../../helpers/sipp.js';
import { sipConfig } from '../registration/sip-config-fixtures.js';

const SCENARIO = fileURLToPath(new URL('../../../../fixtures/sip/sipp/registrar-register.xml', import.meta.url));
const PASSWORD = 'kitchen-door-1';

const registrarSection = (enabled: boolean) => ({
  enabled,
  realm: 'cellgate.test',
  extensions: [
    { number: '001', prefix: '8', group: 'home', password: PASSWORD },
    { number: '002', prefix: '8', group: 'home', password: 'another-pass-2', lines: [2] },
  ],
  groups: [{ name: 'home', lines: [1, 3] }],
});

async function setUp(t: TestContext, initial: SipConfig) {
  let config = initial;
  const core = await startEndpoint();
  const accounts = createSipAccounts({
    endpoint: core.endpoint,
    config: () => config,
    local: { host: '127.0.0.1', port: core.udpPort },
    lineIds: () => [1, 2, 3],
    version: 'test',
    log: silentLogger(),
    registrarDomains: () => ['127.0.0.1'],
  });
  accounts.start();
  t.after(async () => {
    await accounts.stop();
    await core.close();
  });
  return { core, accounts, set: (next: SipConfig) => (config = next) };
}

test('SIPp registers 8001 through the endpoint with a 401 challenge; the service lists the contact for the user, group and line', async (t) => {
  assertSippInstalled();
  const { core, accounts } = await setUp(t, sipConfig({ registrar: registrarSection(true) }));
  const localPort = await freeUdpPort();
  const run = startSipp(['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(localPort), '-m', '1', '-nostdin', '-timeout', '15s', '-s', '8001', '-au', '8001', '-ap', PASSWORD, `127.0.0.1:${core.udpPort}`], fileURLToPath(new URL('.', import.meta.url)));
  assert.equal(await run.exited, 0, `sipp failed:\n${run.output().slice(-2000)}`);
  const [contact] = accounts.registrar.contactsFor('8001');
  assert.equal(contact?.contactUri, `sip:8001@127.0.0.1:${localPort}`);
  assert.deepEqual(contact?.source, { ip: '127.0.0.1', port: localPort, transport: 'udp' });
  assert.deepEqual(accounts.registrar.contactsForGroup('home').map((c) => c.user), ['8001']);
  assert.deepEqual(accounts.registrar.groupsForLine(1), ['home']);
  assert.deepEqual(accounts.registrar.groupsForLine(2), []);
  assert.deepEqual(accounts.registrar.linesFor('8001'), [1, 3], 'the group\'s lines');
  assert.deepEqual(accounts.registrar.linesFor('8002'), [2], 'its own lines');
  const view = accounts.api.extensions();
  assert.equal(view.enabled, true);
  assert.equal(view.realm, 'cellgate.test');
  assert.deepEqual(view.unmanaged, []);
  assert.deepEqual(view.managed.map((e) => [e.user, e.contacts.length]), [['8001', 1], ['8002', 0]]);
  assert.equal(view.managed[0]!.contacts[0]!.source, `127.0.0.1:${localPort}`);
  assert.ok(!JSON.stringify(view).includes(PASSWORD) && !JSON.stringify(view).includes('another-pass-2'), 'no password in the view');
});

test('SIPp with a wrong password is challenged again and binds nothing', async (t) => {
  assertSippInstalled();
  const { core, accounts } = await setUp(t, sipConfig({ registrar: registrarSection(true) }));
  const run = startSipp(['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-m', '1', '-nostdin', '-timeout', '15s', '-s', '8001', '-au', '8001', '-ap', 'not-the-password', `127.0.0.1:${core.udpPort}`], fileURLToPath(new URL('.', import.meta.url)));
  assert.equal(await run.exited, 1);
  assert.deepEqual(accounts.registrar.contactsFor('8001'), []);
});

test('disabled: REGISTER gets 405 without REGISTER in Allow; a reload that enables it takes REGISTER (401 challenge)', async (t) => {
  const { core, accounts, set } = await setUp(t, sipConfig({ registrar: registrarSection(false) }));
  const peer = await sipPeer();
  t.after(() => peer.close());
  const register = (branch: string, cseq: number) =>
    requestText({ method: 'REGISTER', peer, branch, callId: 'reg-1', cseq, uri: 'sip:127.0.0.1', extra: ['Expires: 60'] });
  await peer.send(register('z9hG4bK-reg-1', 1), core.udpPort);
  const refused = await peer.response(405, 'REGISTER');
  assert.ok(!/REGISTER/.test(refused.headers.get('allow') ?? 'REGISTER'), refused.headers.get('allow'));
  assert.equal(accounts.api.extensions().enabled, false);

  set(sipConfig({ registrar: registrarSection(true) }));
  accounts.reload();
  await peer.send(register('z9hG4bK-reg-2', 2), core.udpPort);
  const challenge = await peer.response(401, 'REGISTER');
  assert.match(challenge.headers.getAll('www-authenticate')[0] ?? '', /^Digest realm="cellgate.test".*algorithm=MD5/);

  set(sipConfig({ registrar: registrarSection(false) }));
  accounts.reload();
  await peer.send(register('z9hG4bK-reg-3', 3), core.udpPort);
  await waitFor(() => peer.responses(405).length === 2);
  assert.ok(!/REGISTER/.test(peer.responses(405)[1]!.headers.get('allow') ?? 'REGISTER'));
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
