/**
 * The PCM port transport on a real pseudo-terminal pair (socat): bytes both ways, byte-exact and in
 * order, including writes larger than the tty takes at once; the far end going away closes it; opening
 * and closing it once per call leaves nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryObjects } from 'node:v8';
import { Poller } from '@serialport/bindings-cpp/dist/poller.js';
import { openPcmTransport } from '../../src/line/pcm-port-transport.js';
import { openSerialTransport } from '../../src/line/serial-transport.js';

async function ptyPair(): Promise<{ a: string; b: string; socat: ChildProcess; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'pcm-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const socat = spawn('socat', [`PTY,link=${a},rawer`, `PTY,link=${b},rawer`], { stdio: 'ignore' });
  for (const end = Date.now() + 5000; !(existsSync(a) && existsSync(b)); ) {
    if (Date.now() > end) throw new Error('socat made no pty pair');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { a, b, socat, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function collect(chunks: Buffer[], bytes: number, ms = 5000): Promise<Buffer> {
  const end = Date.now() + ms;
  while (chunks.reduce((n, c) => n + c.length, 0) < bytes) {
    if (Date.now() > end) throw new Error(`got ${chunks.reduce((n, c) => n + c.length, 0)} of ${bytes} bytes`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Buffer.concat(chunks);
}

test('PCM transport: frames both ways byte-exact (every byte value, CR and LF untouched), a 30 KB burst in order, queued writes copied', async () => {
  const pair = await ptyPair();
  try {
    const far = await openSerialTransport(pair.a, 115200);
    const pcm = await openPcmTransport(pair.b, 115200);
    const atFar: Buffer[] = [];
    const atPcm: Buffer[] = [];
    far.onData((c) => atFar.push(c));
    // A copy: the PCM transport hands its listener a view of the one buffer every read reuses.
    pcm.onData((c) => atPcm.push(Buffer.from(c)));
    const frame = Buffer.from(Array.from({ length: 320 }, (_, i) => i & 0xff));
    for (let i = 0; i < 10; i++) pcm.write(frame);
    assert.deepEqual(await collect(atFar, 3200), Buffer.concat(Array(10).fill(frame)));
    for (let i = 0; i < 10; i++) far.write(frame);
    assert.deepEqual(await collect(atPcm, 3200), Buffer.concat(Array(10).fill(frame)));
    // More than a pty buffers at once: the rest waits for 'writable', in order.
    atFar.length = 0;
    const burst = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 7) & 0xff));
    pcm.write(burst);
    // Frames written from one reused buffer while the burst still waits: each queued as it was.
    const reused = Buffer.alloc(320);
    const expected = [burst];
    for (let i = 0; i < 5; i++) {
      reused.fill(0x40 + i);
      expected.push(Buffer.from(reused));
      pcm.write(reused);
    }
    reused.fill(0);
    const all = Buffer.concat(expected);
    assert.deepEqual(await collect(atFar, all.length), all);
    await pcm.close();
    await far.close();
  } finally {
    pair.socat.kill('SIGTERM');
    pair.remove();
  }
});

test('PCM transport: the far side going away closes it with an error, once', async () => {
  const pair = await ptyPair();
  try {
    const pcm = await openPcmTransport(pair.b, 115200);
    const closes: (Error | undefined)[] = [];
    pcm.onClose((e) => closes.push(e));
    pcm.onData(() => undefined);
    pair.socat.kill('SIGKILL');
    for (const end = Date.now() + 5000; closes.length === 0; ) {
      if (Date.now() > end) throw new Error('not closed');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closes.length, 1);
    pcm.write(Buffer.alloc(320));
    await pcm.close();
    assert.equal(closes.length, 1);
  } finally {
    pair.remove();
  }
});

test('PCM transport: a port that does not exist is a clear error', async () => {
  await assert.rejects(openPcmTransport('/dev/does-not-exist-pcm', 115200), /cannot open \/dev\/does-not-exist-pcm/);
});

test('PCM transport: opened and closed once per call, it leaves no serial poller behind (they are never freed)', async () => {
  const pair = await ptyPair();
  try {
    const far = await openSerialTransport(pair.a, 115200);
    // queryObjects collects garbage before counting.
    const before = queryObjects(Poller, { format: 'count' }) as number;
    for (let call = 0; call < 20; call++) {
      const pcm = await openPcmTransport(pair.b, 115200);
      pcm.onData(() => undefined);
      pcm.write(Buffer.alloc(320));
      await pcm.close();
    }
    await new Promise((r) => setTimeout(r, 50)); // the tty handles close on the next loop turn
    assert.equal((queryObjects(Poller, { format: 'count' }) as number) - before, 0);
    await far.close();
  } finally {
    pair.socat.kill('SIGTERM');
    pair.remove();
  }
});
