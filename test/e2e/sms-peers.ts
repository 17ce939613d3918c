/**
 * Peers of the SMS end-to-end tests on loopback: an SMTP server (smtp-server) that requires STARTTLS
 * and a login, with a self-signed certificate made by openssl at test time; a webhook receiver that
 * keeps every request as received (raw body, headers) and can answer errors first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: string;
  /** The session was upgraded with STARTTLS before the mail was sent. */
  secure: boolean;
  user: unknown;
  from: string;
  to: string[];
}

export interface SmtpPeer {
  port: number;
  certFile: string;
  user: string;
  password: string;
  mails: ReceivedMail[];
  /** STARTTLS upgrades done. */
  upgrades: number;
  /** Commands the server refused because the session was still plain. */
  refusedPlain: number;
  close(): Promise<void>;
}

/** A self-signed certificate for localhost / 127.0.0.1 (openssl). */
export function makeCert(): { key: string; cert: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sms-cert-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** SMTP on 127.0.0.1 offering STARTTLS; MAIL FROM and AUTH are refused until the session is secure. */
export async function startSmtp(user = 'relay-user', password = 'relay-pa55'): Promise<SmtpPeer> {
  const { key, cert, certFile } = makeCert();
  const peer: SmtpPeer = { port: 0, certFile, user, password, mails: [], upgrades: 0, refusedPlain: 0, close: async () => {} };
  const server = new SMTPServer({
    key,
    cert,
    logger: false,
    closeTimeout: 200,
    authMethods: ['PLAIN', 'LOGIN'],
    // RFC 3207 §4: the server may refuse commands until STARTTLS; AUTH needs TLS (allowInsecureAuth false).
    allowInsecureAuth: false,
    onAuth(auth, session, cb) {
      if (!session.secure) {
        peer.refusedPlain++;
        return cb(new Error('Must issue a STARTTLS command first'));
      }
      if (auth.username === user && auth.password === password) cb(null, { user });
      else cb(new Error('Invalid username or password'));
    },
    onSecure(_socket, _session, cb) {
      peer.upgrades++;
      cb();
    },
    onMailFrom(_address, session, cb) {
      if (!session.secure) {
        peer.refusedPlain++;
        return cb(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
      }
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
  });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
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

/** A mail as read: headers (RFC 2047 words decoded) and the text body (transfer encoding undone). */
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
  else if (cte === 'quoted-printable') body = quotedPrintable(body);
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

function quotedPrintable(s: string): string {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(t[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (B and Q), adjacent words joined. */
function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : quotedPrintable(text.replace(/_/g, ' ')),
    );
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

export interface WebhookPeer {
  url: string;
  requests: WebhookRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server that records every POST; `answer(req, attemptOfThisDelivery)` decides the status
 * (default 200). Attempts are counted per X-Cellgate-Delivery.
 */
export async function startWebhook(answer: (attempt: number) => number = () => 200): Promise<WebhookPeer> {
  const requests: WebhookRequest[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['x-cellgate-delivery'] ?? '');
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      const status = answer(n);
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'try again');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/sms`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
