/**
 * SMPP over TLS: the server gets { key, cert } and uses tls.createServer. The certificate is made at test
 * time with `openssl req -x509` when openssl is installed; otherwise the self-signed pair committed in
 * test/smpp/fixtures/ (made with the same command) is used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { encodeGsm7 } from '../../src/gsm/index.js';
import { Status } from '../../src/smpp/status.js';
import { repoRoot } from '../helpers/transcript.js';
import { RawEsme, submitFields } from './helpers/raw-esme.js';
import { startSmsc } from './helpers/start.js';

function certificate(): { key: Buffer; cert: Buffer; source: string } {
  const which = spawnSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) {
    const dir = mkdtempSync(join(tmpdir(), 'cellgate-smpp-tls-'));
    try {
      const r = spawnSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (r.status === 0) return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), source: 'openssl (test time)' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const fx = join(repoRoot(), 'test', 'smpp', 'fixtures');
  return { key: readFileSync(join(fx, 'tls-key.pem')), cert: readFileSync(join(fx, 'tls-cert.pem')), source: 'test/smpp/fixtures' };
}

test('SMPP over TLS: bind, submit, receive a deliver_sm; a plain-TCP client and a bad handshake do not disturb it', async (t) => {
  const { key, cert, source } = certificate();
  t.diagnostic(`certificate from ${source}`);
  const { server, backend, port, stop } = await startSmsc({ tls: { key, cert } });
  try {
    const e = await RawEsme.open({ port, tls: { ca: cert } });
    assert.equal((await e.bind('transceiver')).command_status, 0);
    const r = await e.call('submit_sm', submitFields({ short_message: Buffer.from(encodeGsm7('over TLS')!) }));
    assert.equal(r.command_status, 0);
    assert.equal(backend.submits[0]!.text, 'over TLS');
    backend.addMo('esme', 'MO over TLS');
    server.notify();
    await backend.waitFor(() => backend.deliveredItems.length === 1, 3000, 'MO over TLS');

    // A client that does not trust the certificate fails its handshake; the server goes on.
    await new Promise<void>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost' });
      s.on('error', () => resolve());
      s.on('secureConnect', () => {
        s.destroy();
        resolve();
      });
    });
    // Plain SMPP to a TLS port is a failed handshake too.
    const plain = await RawEsme.open({ port });
    plain.write(Buffer.from('0000001000000015000000000000000100', 'hex'));
    await plain.waitClosed(3000);

    assert.equal((await e.call('enquire_link')).command_status, Status.ESME_ROK);
    e.destroy();
  } finally {
    await stop();
  }
});
