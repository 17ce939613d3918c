/**
 * A start that fails part-way leaves nothing running: the services already started are stopped in
 * reverse (docs/decisions/0012-one-wiring-place.md), so the same ports can be taken again at once, and
 * the failure reads as it always did ("cannot listen on …", "messaging: …").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type DaemonOptions } from '../../src/app.js';
import { ServiceStartError } from '../../src/system/service.js';
import { createLogger } from '../../src/util/log.js';
import { FAST_LINES } from './sms-daemon.js';

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

async function freePort(): Promise<number> {
  const { server, port } = await occupy();
  await new Promise((r) => server.close(r));
  return port;
}

function options(dataDir: string, o: Partial<DaemonOptions>): DaemonOptions {
  return {
    dataDir,
    httpHost: '127.0.0.1',
    sipPort: 0,
    log: createLogger({ level: 'silent', destination: quiet() }),
    out: quiet(),
    lines: { timing: FAST_LINES },
    ...o,
  };
}

function demoDir(smppPort: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-start-failure-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'auto', modems: 1, timing: 'zero' }, smpp: { enabled: true, host: '127.0.0.1', port: smppPort } }),
  );
  return dir;
}

test('the HTTP port is taken: "cannot listen on …", and the simulator, stores and SMSC are released', { timeout: 60_000 }, async () => {
  const taken = await occupy();
  const [controlPort, smppPort] = [await freePort(), await freePort()];
  const dir = demoDir(smppPort);
  try {
    const err = await startDaemon(options(dir, { httpPort: taken.port, simControlPort: controlPort })).then(
      () => assert.fail('the start must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ServiceStartError);
    assert.equal(err.service, 'HTTP API');
    assert.match(err.message, new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${taken.port}: .*EADDRINUSE`));
  } finally {
    await new Promise((r) => taken.server.close(r));
  }
  // The control API's port was closed again, the stores can be opened again.
  const d = await startDaemon(options(dir, { httpPort: 0, simControlPort: controlPort }));
  assert.equal(d.control!.port, controlPort);
  await d.stop();
});

test('the SMPP port is taken: "messaging: …", and the HTTP listener and simulator are released', { timeout: 60_000 }, async () => {
  const taken = await occupy();
  const [httpPort, controlPort] = [await freePort(), await freePort()];
  const dir = demoDir(taken.port);
  try {
    const err = await startDaemon(options(dir, { httpPort, simControlPort: controlPort })).then(
      () => assert.fail('the start must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ServiceStartError);
    assert.equal(err.service, 'SMPP SMSC');
    assert.match(err.message, /^messaging: .*EADDRINUSE/);
  } finally {
    await new Promise((r) => taken.server.close(r));
  }
  const d = await startDaemon(options(dir, { httpPort, simControlPort: controlPort, smppPort: 0 }));
  assert.equal(d.port, httpPort);
  assert.equal(d.control!.port, controlPort);
  assert.ok(d.smppPort);
  await d.stop();
});
