/**
 * Each listener binds where its setting says (http.host, smpp.host, simulator.controlHost) and the
 * daemon logs its address:port at start. Loopback addresses other than 127.0.0.1 tell "bound there"
 * from "bound everywhere": a listener on 127.0.0.2 refuses connections to 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon } from '../../src/app.js';
import { defaultConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/util/log.js';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('defaults: HTTP and SMPP on every address, the simulator control API on loopback only', () => {
  const c = defaultConfig();
  assert.deepEqual([c.http.host, c.http.port], ['0.0.0.0', 8080]);
  assert.deepEqual([c.smpp.enabled, c.smpp.host, c.smpp.port], [false, '0.0.0.0', 2775]);
  assert.deepEqual([c.simulator.controlHost, c.simulator.controlPort], ['127.0.0.1', 8081]);
});

test('http.host, smpp.host and simulator.controlHost bind where they say, and each listener is logged with its address', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-listen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      http: { host: '127.0.0.2' },
      smpp: { enabled: true, host: '127.0.0.3', port: 0 },
      simulator: { mode: 'on', modems: 1, timing: 'fast', controlHost: '127.0.0.4', controlPort: 0 },
      modems: { autoDetect: false },
    }),
  );
  let logged = '';
  const log = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => ((logged += String(c)), cb()) }) });
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, log, out: new Writable({ write: (_c, _e, cb) => cb() }) });
  t.after(() => d.stop());
  const smpp = d.smppPort!;
  const control = d.control!.port;

  assert.ok(logged.includes(`cellgate API listening on 127.0.0.2:${d.port}`), logged);
  assert.ok(logged.includes(`SMPP SMSC listening on 127.0.0.3:${smpp}`), logged);
  assert.ok(logged.includes(`simulator control API listening on 127.0.0.4:${control}`), logged);

  for (const [what, host, port] of [['HTTP', '127.0.0.2', d.port], ['SMPP', '127.0.0.3', smpp], ['control API', '127.0.0.4', control]] as const) {
    assert.equal(await reachable(host, port), true, `${what} answers on ${host}`);
    assert.equal(await reachable('127.0.0.1', port), false, `${what} is not on 127.0.0.1`);
  }
  const health = await fetch(`http://127.0.0.2:${d.port}/api/health`);
  assert.equal(health.status, 200);
});
