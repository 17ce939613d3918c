/**
 * Interoperability: SIPp (Debian package sip-tester) registers with digest authentication, using its
 * own [authentication] keyword, against the registrar behind the UDP transport; a wrong password is
 * refused. SIPp is a required test tool (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Registrar } from '../../../src/sip/registrar/index.js';
import { startRegisterResponder } from './register-responder.js';
import { assertSippInstalled, freeUdpPort, startSipp } from '../../helpers/sipp.js';

const SCENARIO = fileURLToPath(new URL('../../../../fixtures/sip/sipp/registrar-register.xml', import.meta.url));

async function runSipp(registrarPort: number, localPort: number, password: string): Promise<{ code: number | null; output: string }> {
  const args = ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(localPort), '-m', '1', '-nostdin', '-timeout', '15s', '-s', '8001', '-au', '8001', '-ap', password, `127.0.0.1:${registrarPort}`];
  const run = startSipp(args, fileURLToPath(new URL('.', import.meta.url)));
  return { code: await run.exited, output: run.output() };
}

function makeRegistrar(): Registrar {
  return new Registrar({
    domains: ['127.0.0.1'],
    nonceSecret: Buffer.alloc(32, 3),
    version: 'test',
    // SIPp 3.6 answers only the first challenge and only MD5: list MD5 first for it (RFC 8760 §2 clients pick what they support).
    algorithms: ['MD5', 'SHA-256'],
    extensions: [{ number: '001', prefix: '8', group: 'home', secret: { password: 'kitchen-1' } }],
  });
}

test('SIPp registers extension 8001 with digest authentication over UDP and gets 200 listing its contact', async () => {
  assertSippInstalled();
  const registrar = makeRegistrar();
  const responder = await startRegisterResponder(registrar);
  try {
    const localPort = await freeUdpPort();
    const { code, output } = await runSipp(responder.port, localPort, 'kitchen-1');
    assert.equal(code, 0, `sipp exited with ${code}:\n${output.slice(-2000)}`);
    assert.deepEqual(responder.statuses, [401, 200]);
    assert.deepEqual(responder.responses[1]!.headers.getAll('contact'), [`<sip:8001@127.0.0.1:${localPort}>;expires=300`]);
    assert.match(responder.requests[1]!.headers.get('authorization') ?? '', /^Digest /);
    const [contact] = registrar.contactsForGroup('home');
    assert.equal(contact?.contactUri, `sip:8001@127.0.0.1:${localPort}`);
    assert.deepEqual(contact?.source, { ip: '127.0.0.1', port: localPort, transport: 'udp' });
    assert.ok(contact!.expiresInS > 295 && contact!.expiresInS <= 300);
  } finally {
    await responder.close();
  }
});

test('SIPp with a wrong password is challenged again and registers nothing', async () => {
  assertSippInstalled();
  const registrar = makeRegistrar();
  const responder = await startRegisterResponder(registrar);
  try {
    const { code } = await runSipp(responder.port, await freeUdpPort(), 'not-the-password');
    assert.equal(code, 1, 'SIPp reports the failed registration');
    // SIPp sends one more request (not a REGISTER) when it aborts on the unexpected 401.
    assert.equal(responder.requests.filter((r) => r.method === 'REGISTER').length, 2);
    assert.deepEqual(responder.statuses.slice(0, 2), [401, 401]);
    assert.equal(registrar.bindingCount, 0);
  } finally {
    await responder.close();
  }
});
