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
import { open } from 'node:fs/promises';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { AtClient, FakeNetwork, TestClock, makeSim } from './modem-fakes.js';

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

test('the audio pty: a host opens the path with node:fs and hears the modem port, raw bytes both ways', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pty-audio-'));
  // Real time here: the pty's bytes cross socat and a TCP hop.
  const sim = new Simulator({ modems: 1, timing: 'zero' });
  const modem = sim.modem(1)!;
  const exposure = new PtyExposure(modem, dir, undefined, 'audio');
  try {
    const path = await exposure.start();
    assert.equal(path, join(dir, 'ttySIM1.pcm'));
    const at = new AtClient(modem.open());
    await new Promise((r) => setTimeout(r, 50));
    assert.match(await at.at('ATE0'), /OK/);
    // Wait for socat's connection to open the modem's audio port.
    const end = Date.now() + 5000;
    while (modem.audioStats() === null && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.notEqual(modem.audioStats(), null, 'the bridge holds the audio port');
    const fh = await open(path, 'r+');
    try {
      // Before outport "none", the EC25 interface carries NMEA once a second.
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length);
      assert.match(buf.subarray(0, bytesRead).toString('latin1'), /\$GP[A-Z]{3},/);
      assert.match(await at.at('AT+QGPSCFG="outport","none"'), /OK/);
      await at.at('ATD+8613900001111;');
      await new Promise((r) => setTimeout(r, 50));
      assert.match(await at.at('AT+QPCMV=1,0'), /OK/);
      // Write two ramp frames; read until they come back through the echo party.
      const frame = Buffer.alloc(640);
      for (let i = 0; i < 320; i++) frame.writeInt16LE(1000 + i * 7, i * 2);
      await fh.write(frame);
      let got = Buffer.alloc(0);
      const until = Date.now() + 5000;
      while (got.indexOf(frame.subarray(0, 64)) < 0 && Date.now() < until) {
        const r = await fh.read(buf, 0, buf.length);
        got = Buffer.concat([got, buf.subarray(0, r.bytesRead)]);
      }
      const at0 = got.indexOf(frame.subarray(0, 64));
      assert.ok(at0 >= 0, 'the written audio came back through the pty');
      while (got.length < at0 + 640 && Date.now() < until) {
        const r = await fh.read(buf, 0, buf.length);
        got = Buffer.concat([got, buf.subarray(0, r.bytesRead)]);
      }
      assert.deepEqual(got.subarray(at0, at0 + 640), frame);
      assert.ok(modem.audioStats()!.framesIn >= 2);
      await at.at('ATH');
    } finally {
      await fh.close();
    }
  } finally {
    await exposure.stop();
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
