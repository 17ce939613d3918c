/**
 * The certificate the web UI and API serve HTTPS with (`http.tls`): the operator's own PEM files, or a
 * self-signed one the gateway makes at its first start and keeps in the data directory. A self-signed
 * certificate is only as good as the operator's check of its fingerprint, so the SHA-256 fingerprint is
 * printed at every start; browsers show the same value in their certificate viewer.
 *
 * Kept: `<data>/tls/http-cert.pem` and `<data>/tls/http-key.pem` (mode 0600 in a 0700 directory, like
 * every secret the gateway holds). A new one is made only when neither file exists, or when the kept
 * certificate has expired; a key or certificate that cannot be read is an error that names the file,
 * never silently replaced (the operator may have pinned the old fingerprint).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export type HttpTlsSetting = null | 'self-signed' | { certFile: string; keyFile: string };

export interface HttpCertificate {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated hex (as browsers show it). */
  fingerprint256: string;
  /** Where the certificate came from: the operator's files, or self-signed (made now or kept). */
  source: 'files' | 'self-signed-new' | 'self-signed-kept';
  /** The certificate's file. */
  certFile: string;
  notAfter: Date;
}

/** Self-signed certificates last this long; a new one is made after. */
const SELF_SIGNED_DAYS = 825;

export const SELF_SIGNED_DIR = 'tls';
export const SELF_SIGNED_CERT = 'http-cert.pem';
export const SELF_SIGNED_KEY = 'http-key.pem';

export class CertificateError extends Error {}

/** Reads a PEM pair and checks that it parses and that the key belongs to the certificate. */
function readPair(certFile: string, keyFile: string): { cert: string; key: string; x509: X509Certificate } {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
  } catch (e) {
    throw new CertificateError(`cannot read the HTTPS certificate ${certFile}: ${(e as Error).message}`);
  }
  try {
    key = readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new CertificateError(`cannot read the HTTPS private key ${keyFile}: ${(e as Error).message}`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new CertificateError(`${certFile} is not a PEM certificate: ${(e as Error).message}`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // The parser's message can quote key material: say only what is wrong.
    throw new CertificateError(`${keyFile} is not a PEM private key (or it is encrypted; cellgate needs it unencrypted)`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new CertificateError(`the private key ${keyFile} does not belong to the certificate ${certFile}`);
  return { cert, key, x509 };
}

/** The names a self-signed certificate covers: the host name, localhost, and this machine's addresses. */
export function certificateNames(): { dns: string[]; ips: string[] } {
  const dns = [...new Set([os.hostname(), 'localhost'].filter((n) => /^[A-Za-z0-9.-]{1,253}$/.test(n)))];
  const ips = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) ips.add(a.address.replace(/%.*$/, ''));
  return { dns, ips: [...ips] };
}

/** Written whole or not at all: a crash mid-write leaves no half file for the next start to reject. */
function writePrivate(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}

async function makeSelfSigned(dir: string, certFile: string, keyFile: string, now: Date): Promise<void> {
  const { dns, ips } = certificateNames();
  const notAfter = new Date(now.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: dns[0] ?? 'cellgate' }, { name: 'organizationName', value: 'cellgate gateway' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writePrivate(keyFile, pems.private);
  writePrivate(certFile, pems.cert);
}

/**
 * The certificate for `setting`, or null for plain HTTP. Self-signed: kept under `<dataDir>/tls`,
 * made when absent or expired.
 */
export async function loadHttpCertificate(setting: HttpTlsSetting, dataDir: string, now: Date = new Date()): Promise<HttpCertificate | null> {
  if (setting === null) return null;
  if (setting !== 'self-signed') {
    const { cert, key, x509 } = readPair(setting.certFile, setting.keyFile);
    return { cert, key, fingerprint256: x509.fingerprint256, source: 'files', certFile: setting.certFile, notAfter: new Date(x509.validTo) };
  }
  const dir = join(dataDir, SELF_SIGNED_DIR);
  const certFile = join(dir, SELF_SIGNED_CERT);
  const keyFile = join(dir, SELF_SIGNED_KEY);
  let source: HttpCertificate['source'] = 'self-signed-kept';
  const haveCert = existsSync(certFile);
  const haveKey = existsSync(keyFile);
  if (!haveCert && !haveKey) {
    await makeSelfSigned(dir, certFile, keyFile, now);
    source = 'self-signed-new';
  } else if (haveCert !== haveKey) {
    throw new CertificateError(`${haveCert ? keyFile : certFile} is missing (its pair ${haveCert ? certFile : keyFile} is there); remove both to have a new self-signed certificate made`);
  }
  let pair = readPair(certFile, keyFile);
  if (new Date(pair.x509.validTo).getTime() <= now.getTime()) {
    await makeSelfSigned(dir, certFile, keyFile, now);
    pair = readPair(certFile, keyFile);
    source = 'self-signed-new';
  }
  return { cert: pair.cert, key: pair.key, fingerprint256: pair.x509.fingerprint256, source, certFile, notAfter: new Date(pair.x509.validTo) };
}
