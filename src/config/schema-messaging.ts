/**
 * The messaging sections of the configuration schema (sms, mail, smpp, ussd, ownNumber) and their
 * cross-field rules.
 */
import { z } from 'zod';
import { bool, expected, int, listenHost, obj, oneOf, pattern, text } from './schema-helpers.js';
import type { Config } from './schema.js';
import { parseDialRules } from '../routing/dial-rules.js';
import { parsePrefixList } from '../routing/line-prefix.js';

// ---------------------------------------------------------------------------------------------
// Messaging (issue 5): sms, mail, smpp, ussd, ownNumber. The code's types of these sections are
// derived from the schemas below (z.output), never written out by hand.

const phoneNumber = pattern(/^\+?[0-9*#]{1,20}$/, 'a phone number such as "+8613670128297" (digits, optional leading +)');
const lineIdList = z.array(int(1, 9999), { error: expected('a list of line ids such as [1, 2]') });
const httpUrl = z
  .string({ error: expected('an http:// or https:// URL') })
  .refine((u) => /^https?:\/\/[^\s"]+$/.test(u), { error: expected('an http:// or https:// URL') });
const emailAddress = pattern(/^[^\s@<>]+@[^\s@<>]+$/, 'an e-mail address such as "ops@example.com"');
const dialRulesText = z.string({ error: expected('dial rules such as "86:-86|:+0" (manual appendix E)') }).max(1000, {
  error: expected('dial rules of at most 1000 characters'),
});

const forwardRuleSchema = obj({
  lines: lineIdList.optional(),
  phone: phoneNumber.optional(),
  email: z.array(emailAddress, { error: expected('a list of e-mail addresses') }).min(1, { error: expected('at least one e-mail address') }).optional(),
  webhook: obj({ url: httpUrl, secret: text(8, 256, 'a secret of 8 to 256 characters').optional(), timeoutSec: int(1, 120).optional() }).optional(),
  sip: text(1, 256, 'a SIP extension or URI').optional(),
});

export const smsSchema = obj({
  sendIntervalSec: int(0, 3600).default(0),
  useSimSmsc: bool().default(true),
  smsc: phoneNumber.nullable().default(null),
  dialRules: dialRulesText.default(''),
  strictDialRules: bool().default(false),
  prefixMatch: oneOf(['caller', 'callee']).default('callee'),
  stripPrefix: bool().default(false),
  statusReports: bool().default(true),
  maxAttempts: int(1, 20).default(3),
  retryDelaySec: int(0, 86_400).default(30),
  resendUnknown: bool().default(false),
  partTimeoutSec: int(10, 7 * 86_400).default(600),
  submitPartTimeoutSec: int(10, 86_400).default(300),
  retention: obj({ inboxDays: int(0, 36_500).default(0), outboxDays: int(0, 36_500).default(0) }).prefault({}),
  // Appendix A SMS commands. ###INFO### is off by default: it answers whoever asks, at an SMS each time.
  commands: obj({
    info: bool().default(false),
    infoFrom: z.array(phoneNumber, { error: expected('a list of phone numbers') }).max(100, { error: expected('at most 100 phone numbers') }).default(() => []),
    infoLimit: obj({ perSender: int(1, 100).default(1), windowMinutes: int(1, 7 * 24 * 60).default(60) }).prefault({}),
    reboot: bool().default(true),
    reset: bool().default(true),
  }).prefault({}),
  forward: z.array(forwardRuleSchema, { error: expected('a list of forwarding rules') }).default(() => []),
  forwardRetry: obj({
    retryBaseSec: int(1, 3600).default(10),
    retryMaxSec: int(1, 86_400).default(1800),
    giveUpHours: int(1, 24 * 30).default(72),
  }).prefault({}),
});

export const mailSchema = obj({
  host: text(1, 253, 'an SMTP server host name'),
  port: int(1, 65535).default(587),
  security: oneOf(['starttls', 'tls', 'none']).default('starttls'),
  user: text(1, 256).nullable().default(null),
  password: z.string({ error: expected('a password') }).nullable().default(null),
  from: emailAddress,
  rejectUnauthorized: bool().default(true),
  caFile: text(1, 4096, 'a PEM file path').nullable().default(null),
});

const smppAccountSchema = obj({
  systemId: text(1, 15, 'a system_id of 1 to 15 characters (SMPP 3.4 §5.2.1)'),
  password: text(1, 8, 'a password of 1 to 8 characters (SMPP 3.4 §5.2.2)'),
  perLineIds: bool().default(true),
  lines: lineIdList.optional(),
  receive: bool().default(true),
});

export const smppSchema = obj({
  enabled: bool().default(false),
  host: listenHost.default('0.0.0.0'),
  port: int(0, 65535).default(2775),
  tls: obj({ certFile: text(1, 4096, 'a PEM file path'), keyFile: text(1, 4096, 'a PEM file path') }).nullable().default(null),
  windowSize: int(1, 10_000).default(100),
  maxSubmitsPerSecond: int(0, 100_000).default(0),
  responseTimeoutSec: int(1, 600).default(10),
  enquireLinkSec: int(5, 3600).default(60),
  lineNumber: bool().default(false),
  // After a restart, how long stored submits whose answer never left wait for the ESME's resubmission
  // (docs/decisions/0020-smpp-exactly-once.md); 0: not at all (they go out at once, a resubmission
  // duplicates them).
  resubmitWindowSec: int(0, 3600).default(60),
  accounts: z.array(smppAccountSchema, { error: expected('a list of SMPP accounts') }).default(() => []),
});

export const ownNumberSchema = obj({
  ussd: obj({ code: pattern(/^[0-9*#+]{1,32}$/, 'a USSD code such as "*123#"'), marker: text(1, 64) }).nullable().default(null),
  smsQuery: obj({ to: phoneNumber, text: text(1, 160), replyFrom: phoneNumber, marker: text(1, 64) }).nullable().default(null),
  discovery: obj({ enabled: bool().default(false), secret: text(8, 256, 'a secret of 8 to 256 characters').nullable().default(null) }).prefault({}),
  timeoutSec: int(15, 3600).default(120),
});

export const ussdSchema = obj({ timeoutSec: int(15, 600).default(30) });

/** `sms` section: sending, receiving, commands, forwarding and retention (docs/configuration.md). */
export type SmsConfig = z.output<typeof smsSchema>;
/** One `sms.forward[]` rule: every matching rule forwards. */
export type ForwardRule = SmsConfig['forward'][number];
/** `mail` section: the SMTP server used for forwarding. */
export type MailConfig = z.output<typeof mailSchema>;
/** `smpp` section: the SMPP v3.4 SMSC. */
export type SmppConfig = z.output<typeof smppSchema>;
export type SmppAccount = SmppConfig['accounts'][number];
/** `ussd` section. */
export type UssdConfig = z.output<typeof ussdSchema>;
/** `ownNumber` section: ways to learn a SIM's own number (manual §5.11). */
export type OwnNumberConfig = z.output<typeof ownNumberSchema>;

/** Rules of the messaging sections that relate fields or need a parser (dial rules, prefixes, SMPP ids). */
export function messagingErrors(cfg: Config, add: (path: string, message: string) => void): void {
  const rules = parseDialRules(cfg.sms.dialRules);
  if (!rules.ok) add('sms.dialRules', rules.error);
  cfg.lines.forEach((l, i) => {
    if (!l.prefixes) return;
    const p = parsePrefixList(l.prefixes);
    if (!p.ok) add(`lines[${i}].prefixes`, p.error);
  });
  cfg.sms.forward.forEach((r, i) => {
    if (!r.phone && !r.email && !r.webhook && !r.sip) add(`sms.forward[${i}]`, 'a forwarding rule needs at least one of phone, email, webhook, sip');
    if (r.email && !cfg.mail) add(`sms.forward[${i}].email`, 'forwarding by e-mail needs the mail section (SMTP server)');
  });
  // system_ids, including the per-line ids "<id>01", "<id>02", ... of accounts with perLineIds, must not collide.
  const lineIds = cfg.lines.length ? cfg.lines.map((l) => l.id!) : Array.from({ length: cfg.simulator.modems }, (_, k) => k + 1);
  const owner = new Map<string, number>();
  cfg.smpp.accounts.forEach((a, i) => {
    const ids = [a.systemId, ...(a.perLineIds ? (a.lines ?? lineIds).map((n) => `${a.systemId}${String(n).padStart(2, '0')}`) : [])];
    for (const id of ids) {
      const prev = owner.get(id);
      if (prev !== undefined && prev !== i) add(`smpp.accounts[${i}].systemId`, `system_id ${JSON.stringify(id)} is also used by smpp.accounts[${prev}]`);
      else owner.set(id, i);
    }
  });
  if (cfg.mail && cfg.mail.security === 'none' && !/^(127\.|::1$|localhost$)/.test(cfg.mail.host)) {
    add('mail.security', 'plain SMTP without TLS is allowed only to a loopback host; use "starttls" or "tls"');
  }
}
