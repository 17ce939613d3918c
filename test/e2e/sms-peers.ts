/**
 * Peers of the SMS end-to-end tests on loopback: an SMTP relay that requires STARTTLS and a login, with
 * a self-signed certificate made by openssl at test time (test/helpers/smtp-peer.ts); a webhook receiver
 * that keeps every request as received (raw body, headers) and can answer errors first.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, startSmtp as startSmtpPeer, type SmtpPeer as BaseSmtpPeer } from '../helpers/smtp-peer.js';

export { decodeMail, type ReceivedMail } from '../helpers/smtp-peer.js';

/** The relay, with its certificate as a PEM file for the daemon's `mail.caFile`. */
export type SmtpPeer = BaseSmtpPeer & { certFile: string };

/** The relay: SMTP on 127.0.0.1 offering STARTTLS; AUTH and MAIL FROM are refused until the session is secure. */
export async function startSmtp(user = 'relay-user', password = 'relay-pa55'): Promise<SmtpPeer> {
  const tls = makeCert(mkdtempSync(join(tmpdir(), 'cellgate-sms-cert-')));
  const peer = await startSmtpPeer({ tls, user, password, requireTls: true });
  return Object.assign(peer, { certFile: tls.certFile });
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
