/**
 * The HTTPS certificate (http.tls): a self-signed one is made once and kept (same fingerprint at the next
 * start), private on disk, replaced only when it expired; the operator's PEM files are checked to be a
 * matching pair; unreadable material is an error that names the file and quotes no key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateError, loadHttpCertificate, SELF_SIGNED_CERT, SELF_SIGNED_DIR, SELF_SIGNED_KEY } from '../../src/system/http-certificate.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'cellgate-cert-'));

test('null means plain HTTP: no certificate, nothing written', async () => {
  const dir = dataDir();
  assert.equal(await loadHttpCertificate(null, dir), null);
  assert.throws(() => statSync(join(dir, SELF_SIGNED_DIR)));
});

test('self-signed: made at the first start (EC P-256, server auth, names localhost and 127.0.0.1), private on disk, kept at the next', async () => {
  const dir = dataDir();
  const first = await loadHttpCertificate('self-signed', dir);
  assert.ok(first);
  assert.equal(first.source, 'self-signed-new');
  assert.match(first.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const x = new X509Certificate(first.cert);
  assert.equal(x.fingerprint256, first.fingerprint256);
  assert.equal(x.publicKey.asymmetricKeyType, 'ec');
  assert.ok(x.checkHost('localhost'), x.subjectAltName);
  assert.ok(x.checkIP('127.0.0.1'), x.subjectAltName);
  assert.ok(new Date(x.validTo).getTime() > Date.now() + 365 * 86_400_000, 'valid for more than a year');
  assert.equal(statSync(join(dir, SELF_SIGNED_DIR)).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, SELF_SIGNED_DIR, SELF_SIGNED_KEY)).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, SELF_SIGNED_DIR, SELF_SIGNED_CERT)).mode & 0o777, 0o600);

  const second = await loadHttpCertificate('self-signed', dir);
  assert.equal(second?.source, 'self-signed-kept');
  assert.equal(second?.fingerprint256, first.fingerprint256, 'the same certificate at the next start');
  rmSync(dir, { recursive: true, force: true });
});

test('self-signed: an expired certificate is replaced; a half pair is an error naming the missing file', async () => {
  const dir = dataDir();
  const first = await loadHttpCertificate('self-signed', dir);
  const later = new Date(first!.notAfter.getTime() + 1000);
  const renewed = await loadHttpCertificate('self-signed', dir, later);
  assert.equal(renewed?.source, 'self-signed-new');
  assert.notEqual(renewed?.fingerprint256, first!.fingerprint256);

  rmSync(join(dir, SELF_SIGNED_DIR, SELF_SIGNED_KEY));
  await assert.rejects(loadHttpCertificate('self-signed', dir), (e: Error) => e instanceof CertificateError && e.message.includes(SELF_SIGNED_KEY) && /remove both/.test(e.message));
  rmSync(dir, { recursive: true, force: true });
});

test('operator files: a matching pair is served; a wrong key, a broken key or a missing file is a clear error without key material', async () => {
  const a = dataDir();
  const b = dataDir();
  const one = (await loadHttpCertificate('self-signed', a))!;
  await loadHttpCertificate('self-signed', b);
  const certFile = join(a, SELF_SIGNED_DIR, SELF_SIGNED_CERT);
  const keyFile = join(a, SELF_SIGNED_DIR, SELF_SIGNED_KEY);
  const files = await loadHttpCertificate({ certFile, keyFile }, '/nonexistent');
  assert.equal(files?.source, 'files');
  assert.equal(files?.fingerprint256, one.fingerprint256);

  const otherKey = join(b, SELF_SIGNED_DIR, SELF_SIGNED_KEY);
  await assert.rejects(loadHttpCertificate({ certFile, keyFile: otherKey }, a), /does not belong to the certificate/);

  const broken = join(a, 'broken-key.pem');
  const secretLooking = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg';
  writeFileSync(broken, `-----BEGIN PRIVATE KEY-----\n${secretLooking}\n-----END PRIVATE KEY-----\n`);
  await assert.rejects(loadHttpCertificate({ certFile, keyFile: broken }, a), (e: Error) => /is not a PEM private key/.test(e.message) && !e.message.includes(secretLooking));
  await assert.rejects(loadHttpCertificate({ certFile: join(a, 'missing.pem'), keyFile }, a), /cannot read the HTTPS certificate .*missing\.pem/);
  assert.ok(readFileSync(certFile, 'utf8').startsWith('-----BEGIN CERTIFICATE-----'));
  rmSync(a, { recursive: true, force: true });
  rmSync(b, { recursive: true, force: true });
});
