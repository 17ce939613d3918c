/**
 * An SMTP server (smtp-server from npm) on loopback for the e-mail forwarding tests
 * (test/sms/forward-email.test.ts against the forwarder, test/e2e/sms.test.ts through the daemon): a
 * self-signed certificate made by openssl at test time, every mail, login and STARTTLS upgrade recorded,
 * and a decoder for what nodemailer writes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface TlsFiles {
  key: string;
  cert: string;
  /** The certificate as a PEM file, for a client's `caFile`. */
  certFile: string;
}

/** A self-signed certificate for localhost / 127.0.0.1, made with openssl in `dir`. */
export function makeCert(dir: string): TlsFiles {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

export interface ReceivedMail {
  raw: string;
  /** The session was secure (STARTTLS or implicit TLS) when the mail was sent. */
  secure: boolean;
  user: unknown;
  from: string;
  to: string[];
}

export interface SmtpPeer {
  port: number;
  user: string;
  password: string;
  mails: ReceivedMail[];
  /** Every AUTH attempt, with whether the session was secure then. */
  auths: Array<{ username: string | undefined; password: string | undefined; secure: boolean }>;
  /** STARTTLS upgrades done. */
  upgrades: number;
  /** Commands refused because the session was still plain (with `requireTls`). */
  refusedPlain: number;
  close(): Promise<void>;
}

export interface SmtpPeerOptions {
  tls: { key: string; cert: string };
  /** The one login accepted (default relay-user / relay-pa55). */
  user?: string;
  password?: string;
  /** Refuse AUTH and MAIL FROM until the session is secure (RFC 3207 §4 allows it), counting `refusedPlain`. Default false: accept, so a test sees what the client does. */
  requireTls?: boolean;
  /** Default 0: one the OS picks. */
  port?: number;
  /** smtp-server options on top (secure, disabledCommands, allowInsecureAuth, authOptional, onRcptTo, …). */
  server?: Partial<SMTPServerOptions>;
}

/** An SMTP server on 127.0.0.1 offering STARTTLS and AUTH PLAIN / LOGIN (not before TLS: allowInsecureAuth false unless overridden). */
export async function startSmtp(o: SmtpPeerOptions): Promise<SmtpPeer> {
  const user = o.user ?? 'relay-user';
  const password = o.password ?? 'relay-pa55';
  const peer: SmtpPeer = { port: 0, user, password, mails: [], auths: [], upgrades: 0, refusedPlain: 0, close: async () => {} };
  const refusePlain = (): Error => {
    peer.refusedPlain++;
    return Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 });
  };
  const server = new SMTPServer({
    key: o.tls.key,
    cert: o.tls.cert,
    logger: false,
    // Pooled client connections stay open; do not wait long for them at the end of a test.
    closeTimeout: 200,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    onAuth(auth, session, cb) {
      peer.auths.push({ username: auth.username, password: auth.password ?? undefined, secure: session.secure });
      if (o.requireTls && !session.secure) return cb(refusePlain());
      if (auth.username === user && auth.password === password) cb(null, { user });
      else cb(new Error('Invalid username or password'));
    },
    onSecure(_socket, _session, cb) {
      peer.upgrades++;
      cb();
    },
    onMailFrom(_address, session, cb) {
      if (o.requireTls && !session.secure) return cb(refusePlain());
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        peer.mails.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        cb();
      });
    },
    ...o.server,
  });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  peer.port = (server.server.address() as AddressInfo).port;
  let closed = false;
  peer.close = () =>
    new Promise<void>((r) => {
      if (closed) return r();
      closed = true;
      server.close(() => r());
    });
  return peer;
}

/** A mail as read: headers (RFC 2047 words decoded) and the text body (RFC 2045 transfer encoding undone). */
export function decodeMail(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), decodeWords(line.slice(i + 1).trim()));
  }
  let body = raw.slice(split + 4);
  const cte = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable') body = quotedPrintable(body).toString('utf8');
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

/** The octets of quoted-printable text (RFC 2045 §6.7), soft line breaks removed. */
function quotedPrintable(s: string): Buffer {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(t[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

const ENCODED_WORD = /=\?[^?]+\?([BbQq])\?([^?]*)\?=/g;

/** RFC 2047 encoded words (B and Q, read as UTF-8). */
function decodeWords(v: string): string {
  // Adjacent encoded words are joined without the whitespace between them (RFC 2047 §6.2); decode the
  // octets of a run together, since a character may be split across words.
  return v.replace(/(\?=)\s+(?==\?)/g, '$1').replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) => {
    const bufs: Buffer[] = [];
    for (const m of run.matchAll(ENCODED_WORD)) {
      bufs.push(m[1]!.toUpperCase() === 'B' ? Buffer.from(m[2]!, 'base64') : quotedPrintable(m[2]!.replace(/_/g, ' ')));
    }
    return Buffer.concat(bufs).toString('utf8');
  });
}
