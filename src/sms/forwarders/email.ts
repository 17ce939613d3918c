/**
 * Forward to mailboxes (manual §4.10 "短信转发至邮箱"). The manual's device sends mail without
 * encryption; cellgate encrypts unless told otherwise, for a loopback relay only:
 *
 * - `starttls` (default, port 587): plain connect, then STARTTLS (RFC 3207) is required: a server
 *   that does not offer it, or a failed upgrade, fails the attempt (retried later); nothing, not even
 *   the login, is ever sent in plain text.
 * - `tls` (port 465): TLS from the first byte (RFC 8314 §3.3 implicit TLS).
 * - `none`: plain SMTP, accepted only for a loopback host (a local relay); otherwise a config error.
 *
 * The server certificate is verified (`rejectUnauthorized`, default true) against the system CAs and
 * the optional `caFile` (PEM). One pooled transport per configuration; `close()` ends its connections.
 *
 * Subject and body come from formatMailForward; nodemailer encodes them as UTF-8 (RFC 2047 encoded
 * words in the subject, a transfer-encoded text/plain body), so Chinese text arrives intact. The
 * Message-ID is derived from the job id, so a duplicate caused by at-least-once retries shows as the
 * same message in mail clients.
 *
 * Outcome: a 5xx reply to RCPT TO or DATA (RFC 5321 §4.2.1: permanent negative completion) and an
 * invalid address fail for good; connection, TLS and authentication trouble and 4xx replies are
 * retried. When some recipients are refused and others accepted, the mail went out: the job is done
 * and the refused addresses are logged.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type { Delivery } from '../../store/message-store.js';
import type { Logger } from '../../util/log.js';
import type { MailConfig } from '../../config/schema-messaging.js';
import { PermanentDeliveryError, type DeliveryHandler } from '../delivery-worker.js';
import { emailTargetAddresses } from '../fanout.js';
import { formatMailForward } from '../forward-format.js';
import { lineOf, messageOf, partialOf, type GetInbound } from './common.js';

/** The mail configuration cannot be used (plain SMTP to a remote host, unreadable CA file). */
export class MailConfigError extends Error {
  override readonly name = 'MailConfigError';
}

export interface MailForwarderOptions {
  getInbound: GetInbound;
  /** Connections the pool keeps open at most (default 2). */
  maxConnections?: number;
  /** TCP connect, greeting and socket inactivity timeouts in ms (defaults 30 s, 30 s, 60 s). */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
}

export interface MailForwarder {
  handler: DeliveryHandler;
  /** Closes the pooled connections (call after the worker stopped). */
  close(): void;
}

/** A simple address check (the configuration schema checks the same shape). */
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** Why a mail configuration cannot be used, or null. */
export function mailConfigProblem(cfg: MailConfig): string | null {
  if (cfg.security === 'none' && !isLoopbackHost(cfg.host)) {
    return `mail.security "none" (no encryption) is allowed only for a loopback host, not ${JSON.stringify(cfg.host)}; use "starttls" or "tls"`;
  }
  if (!ADDRESS.test(cfg.from)) return `mail.from ${JSON.stringify(cfg.from)} is not an e-mail address`;
  if (cfg.password !== null && cfg.user === null) return 'mail.password is set but mail.user is not';
  return null;
}

interface SmtpErrorShape {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  rejected?: unknown;
}

/**
 * Permanent SMTP outcome: a 5xx reply (RFC 5321 §4.2.1) to RCPT TO or DATA, or an envelope nodemailer
 * refuses by itself (no valid recipient). Everything else (connection, TLS, AUTH, 4xx, a 5xx to
 * STARTTLS or MAIL FROM, which the operator's configuration fixes) is worth retrying.
 */
export function isPermanentMailError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as SmtpErrorShape;
  const command = typeof e.command === 'string' ? e.command.toUpperCase() : '';
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (code !== null) return code >= 500 && code <= 599 && (command.startsWith('RCPT') || command === 'DATA');
  return e.code === 'EENVELOPE' && command === 'API';
}

function mailErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1) : 'cellgate.invalid';
}

/** Throws MailConfigError when the configuration cannot be used. */
export function createMailForwarder(cfg: MailConfig, log: Logger, o: MailForwarderOptions): MailForwarder {
  const problem = mailConfigProblem(cfg);
  if (problem) throw new MailConfigError(problem);
  let ca: string | undefined;
  if (cfg.caFile) {
    try {
      ca = readFileSync(cfg.caFile, 'utf8');
    } catch (e) {
      throw new MailConfigError(`mail.caFile ${JSON.stringify(cfg.caFile)} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new MailConfigError(`mail.caFile ${JSON.stringify(cfg.caFile)} holds no PEM certificate`);
  }
  const security =
    cfg.security === 'tls'
      ? { secure: true }
      : cfg.security === 'starttls'
        ? { secure: false, requireTLS: true }
        : { secure: false, ignoreTLS: true };
  const transport = createTransport({
    pool: true,
    host: cfg.host,
    port: cfg.port,
    ...security,
    auth: cfg.user !== null ? { user: cfg.user, pass: cfg.password ?? '' } : undefined,
    tls: {
      rejectUnauthorized: cfg.rejectUnauthorized,
      minVersion: 'TLSv1.2',
      ...(ca ? { ca: [ca] } : {}),
    },
    maxConnections: Math.max(1, o.maxConnections ?? 2),
    // Forwards come now and then: do not keep an idle connection open for long.
    idleTimeout: 60_000,
    connectionTimeout: o.timeouts?.connectionMs ?? 30_000,
    greetingTimeout: o.timeouts?.greetingMs ?? 30_000,
    socketTimeout: o.timeouts?.socketMs ?? 60_000,
  });
  const mlog = log.child({ smtp: `${cfg.host}:${cfg.port}`, security: cfg.security });
  transport.on('error', (e: unknown) => mlog.warn({ err: mailErrorText(e) }, 'SMTP transport error'));

  const handler: DeliveryHandler = async (d: Delivery, signal?: AbortSignal): Promise<void> => {
    const to = emailTargetAddresses(d.target);
    const bad = to.filter((a) => !ADDRESS.test(a));
    if (to.length === 0) throw new PermanentDeliveryError('the e-mail job names no recipient');
    if (bad.length > 0) throw new PermanentDeliveryError(`invalid e-mail address ${bad.map((a) => JSON.stringify(a)).join(', ')}`);
    const m = messageOf(o.getInbound, d);
    const { subject, text } = formatMailForward({
      line: lineOf(m),
      from: m.sender,
      to: m.recipient,
      text: m.text,
      receivedAt: m.receivedAt,
      partial: partialOf(m),
    });
    let info: { accepted?: unknown; rejected?: unknown; response?: unknown };
    try {
      info = (await transport.sendMail({
        from: cfg.from,
        to,
        subject,
        text,
        messageId: `<sms-${d.id}@${domainOf(cfg.from)}>`,
        headers: { 'X-Cellgate-Delivery': d.id, 'X-Cellgate-Line': `L${m.line}` },
        ...(signal ? { signal } : {}),
      })) as typeof info;
    } catch (e) {
      const msg = `SMTP ${cfg.host}:${cfg.port}: ${mailErrorText(e)}`;
      if (isPermanentMailError(e)) throw new PermanentDeliveryError(msg);
      throw new Error(msg);
    }
    const rejected = Array.isArray(info.rejected) ? info.rejected.map(String) : [];
    if (rejected.length > 0) mlog.warn({ delivery: d.id, rejected }, 'the SMTP server refused some recipients; the others got the forward');
    mlog.info({ delivery: d.id, to: to.length, response: typeof info.response === 'string' ? info.response : undefined }, 'received SMS forwarded by e-mail');
  };

  return {
    handler,
    close: () => transport.close(),
  };
}
