/**
 * The fan-out of a received SMS: which delivery jobs the store writes together with the message
 * (src/store/message-store.ts `storeIncoming`). Pure: a function of the configuration and the message.
 *
 * Kinds and targets (see docs/forwarding.md):
 * - `sms-forward` → target: the phone number of the rule (manual §4.10 "短信转发至手机").
 * - `email`       → target: the rule's addresses joined with ", " (manual §4.10 "短信转发至邮箱").
 * - `webhook`     → target: the URL. The secret is NOT stored in the job: the webhook forwarder looks
 *                   the rule up by URL at send time, so a rotated secret applies to pending jobs and no
 *                   secret ever lands in the database.
 * - `sip`         → target: the extension or SIP URI (manual §4.10 "短信转发至 VoIP").
 * - `smpp-mo`     → target: the system_id of an SMPP account with `receive` whose lines include the
 *                   message's line (taken by that account's receivers, manual §4.1).
 *
 * Every matching rule forwards; the same (kind, target) caused by two rules gives one job. A received
 * SMS command (`m.command`) is not asked about: the store gives it no jobs (message-store.ts).
 */
import type { Fanout, InboundMessage, NewDelivery } from '../store/message-store.js';
import type { ForwardRule } from '../config/schema-messaging.js';

export interface FanoutOptions {
  smppAccounts: Array<{ systemId: string; lines?: number[]; receive: boolean }>;
}

/** Kinds of delivery jobs a received SMS can cause. */
export type ForwardKind = 'sms-forward' | 'email' | 'webhook' | 'sip' | 'smpp-mo';
export const FORWARD_KINDS: readonly ForwardKind[] = ['sms-forward', 'email', 'webhook', 'sip', 'smpp-mo'];

/** The separator of the addresses in an `email` job's target. */
export const EMAIL_TARGET_SEPARATOR = ', ';

/** The line id of a stored message as a number (m.line is the id as a string), or null. */
export function lineNumberOf(m: Pick<InboundMessage, 'line'>): number | null {
  if (!/^[0-9]{1,9}$/.test(m.line)) return null;
  return Number(m.line);
}

/** Whether a list of line ids (absent = all lines) covers the line. */
function covers(lines: number[] | undefined, line: number | null): boolean {
  if (lines === undefined) return true;
  return line !== null && lines.includes(line);
}

export function buildFanout(rules: ForwardRule[], opts: FanoutOptions): Fanout {
  // Copies, so a later change of the caller's arrays does not change jobs of this configuration.
  const ruleList = rules.map((r) => ({ ...r, lines: r.lines ? [...r.lines] : undefined, email: r.email ? [...r.email] : undefined }));
  const accounts = opts.smppAccounts.filter((a) => a.receive).map((a) => ({ systemId: a.systemId, lines: a.lines ? [...a.lines] : undefined }));

  return (m: InboundMessage): NewDelivery[] => {
    const line = lineNumberOf(m);
    const jobs: NewDelivery[] = [];
    const seen = new Set<string>();
    const add = (kind: ForwardKind, target: string): void => {
      const key = `${kind}\u0000${target}`;
      if (target === '' || seen.has(key)) return;
      seen.add(key);
      jobs.push({ kind, target, payload: null });
    };
    for (const r of ruleList) {
      if (!covers(r.lines, line)) continue;
      if (r.phone) add('sms-forward', r.phone);
      if (r.email && r.email.length > 0) add('email', r.email.join(EMAIL_TARGET_SEPARATOR));
      if (r.webhook) add('webhook', r.webhook.url);
      if (r.sip) add('sip', r.sip);
    }
    for (const a of accounts) if (covers(a.lines, line)) add('smpp-mo', a.systemId);
    return jobs;
  };
}

/** The webhook settings for a job's URL (the first rule with that URL), looked up at send time. */
export function webhookRuleFor(rules: ForwardRule[], url: string): { url: string; secret?: string; timeoutSec?: number } | undefined {
  for (const r of rules) if (r.webhook && r.webhook.url === url) return r.webhook;
  return undefined;
}

/** The addresses of an `email` job's target. */
export function emailTargetAddresses(target: string): string[] {
  return target
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
