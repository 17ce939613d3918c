/**
 * 500 opens and closes of a modem audio end on a real pseudo-terminal (socat PTY pair, opened with the
 * serialport package as a modem's ttyUSB is): the process holds exactly the file descriptors it held
 * before, and audio written on the far side arrives framed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioPortOpener } from '../../../src/line/serial-port-provider.js';
import { openSerialTransport } from '../../../src/line/serial-transport.js';
import { openPcmTransport } from '../../../src/line/pcm-port-transport.js';
import { openModemAudioEnd } from '../../../src/media/modem-audio/modem-audio-end.js';

const openFds = () => readdirSync('/proc/self/fd').length;

for (const [name, openHost] of [['the daemon’s PCM transport', openPcmTransport], ['the serialport stream', openSerialTransport]] as const)
test(`500 open/close cycles over a real pty pair with ${name} leave the open fd count unchanged`, { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audio-pty-'));
  const modemSide = join(dir, 'modem');
  const hostSide = join(dir, 'host');
  const socat = spawn('socat', [`PTY,link=${modemSide},rawer`, `PTY,link=${hostSide},rawer`], { stdio: 'ignore' });
  try {
    for (const end = Date.now() + 5000; !(existsSync(modemSide) && existsSync(hostSide)); ) {
      if (Date.now() > end) throw new Error('socat made no pty pair');
      await new Promise((r) => setTimeout(r, 20));
    }
    const modem = await openSerialTransport(modemSide, 115200);
    // the opener the serial port provider gives a line (a lock still held a moment after a close is retried)
    const opener = audioPortOpener(hostSide, () => openHost(hostSide, 115200));

    // one cycle with audio through it, before counting (the first open loads what stays loaded)
    const first = await openModemAudioEnd({ opener, format: { sampleRate: 8000, frameMs: 20 } });
    const got = new Promise<Int16Array>((r) => first.onFrame(r));
    modem.write(Buffer.alloc(320, 1));
    const frame = await got;
    assert.equal(frame.length, 160);
    assert.equal(frame[0], 0x0101);
    await first.close();
    // A tty stream's descriptor is released a moment after close() resolves (libuv closes handles on the
    // next loop turn): count at a quiet point, as after the cycles below.
    await new Promise((r) => setTimeout(r, 100));

    const before = openFds();
    for (let i = 0; i < 500; i++) {
      const end = await openModemAudioEnd({ opener, format: { sampleRate: 8000, frameMs: 20 } });
      await end.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(openFds(), before, 'file descriptors leaked');
    await modem.close();
  } finally {
    socat.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
