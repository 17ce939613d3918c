/**
 * The simulator's pty bridge (socat PTY ↔ TCP ↔ simulated modem): both ends of the TCP hop set
 * TCP_NODELAY, so a reply written right after an unsolicited line does not wait for a delayed ACK.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedModem } from '../../modem-drivers/simulator/modem/simulated-modem.js';
import { PtyExposure, socatArguments } from '../../modem-drivers/simulator/pty.js';
import { FakeNetwork, TestClock, makeSim } from './modem-fakes.js';

test("socat's TCP address asks for TCP_NODELAY (socat option nodelay); the pty stays raw", () => {
  const [pty, tcp] = socatArguments('/tmp/x/ttySIM1', 4321);
  assert.equal(pty, 'PTY,link=/tmp/x/ttySIM1,rawer');
  assert.equal(tcp, 'TCP:127.0.0.1:4321,nodelay');
});

test('the bridge sets no-delay on its end of the socat connection, and socat accepts its arguments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pty-nodelay-'));
  const modem = new SimulatedModem({ id: 1, dialect: 'quectel-ec25', imei: '867538030123450', sims: [makeSim()], network: new FakeNetwork(), clock: new TestClock() });
  const calls: { socket: Socket; noDelay: boolean | undefined }[] = [];
  const original = Socket.prototype.setNoDelay;
  Socket.prototype.setNoDelay = function (this: Socket, noDelay?: boolean) {
    calls.push({ socket: this, noDelay });
    return original.call(this, noDelay);
  };
  const exposure = new PtyExposure(modem, dir);
  try {
    // start() resolves only once socat made the pty link: socat refuses an unknown option before that.
    const path = await exposure.start();
    assert.ok(path.startsWith(dir), path);
    const end = Date.now() + 5000;
    while (calls.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls.length, 1, 'one connection from socat, bridged once');
    assert.notEqual(calls[0]!.noDelay, false);
    assert.equal(calls[0]!.socket.remoteAddress, '127.0.0.1');
  } finally {
    Socket.prototype.setNoDelay = original;
    await exposure.stop();
    modem.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
