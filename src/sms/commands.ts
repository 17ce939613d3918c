/**
 * SMS commands (manual Appendix A "短信指令"; §4.10 "SMS 获取设备信息" can turn `###INFO###` off):
 *
 *   ###INFO###         reply to the sender with the device's addresses (infoReply)
 *   RESET <password>   restore the factory configuration
 *   REBOOT <password>  restart the device
 *
 * <password> is the admin user's login password, typed without the angle brackets, after one space.
 *
 * What counts as a command (screenCommand), decided before the SMS is stored:
 * - one SMS, not a concatenated one: the parts of a concatenated SMS are stored one by one as they come
 *   (TS 23.040 §9.2.3.24.1), before the whole text is known, so a password split over parts could not
 *   be kept out of the database. A command with its password fits one SMS (160 GSM 7-bit or 70 UCS-2
 *   characters); a longer text is an ordinary message;
 * - from a phone number (digits, optional +): an alphanumeric sender (a bank, a shop) is a service, not
 *   an operator, and cannot be answered;
 * - the command is switched on (sms.commands.info / reboot / reset); when it is off the text is an
 *   ordinary message;
 * - the text parses as one (parseSmsCommand), whatever the password: a wrong password is an attempt too.
 * A command is consumed: stored with its secret masked (`REBOOT ********`, so the password never
 * reaches the database, its WAL or a search by text), never forwarded, and acted on from memory.
 *
 * Parsing:
 * - Surrounding white space (spaces, tabs, line breaks, the ideographic space U+3000) is ignored.
 * - Keywords are case-insensitive (Appendix A "不区分大小写"); the password is case-sensitive, as a
 *   login password is. It is everything after the blanks that follow the keyword (blanks inside it are
 *   kept; trailing blanks were already trimmed). Angle brackets are not removed: `REBOOT <x>` carries
 *   the password "<x>", which the manual says not to type.
 * - One blank is the syntax; several (spaces, tabs, U+3000) are accepted. A keyword without a password
 *   (`REBOOT`), or glued to it (`REBOOTsecret`), is not a command: the SMS is an ordinary message. Nor
 *   is a text with a line break after the keyword's line ("Reset code 1234\nNot you? …"): a password
 *   is one line, as it is typed at a prompt.
 * - CommandGuard limits password guessing by SMS, per sender number and for the whole gateway, so that
 *   a burst of guesses from many numbers is stopped too. A refused attempt is not checked at all and the
 *   sender should get no reply (replying costs SMS and confirms the number). The global limit means a
 *   flood of wrong guesses also locks the rightful admin out for a while; that is the price of having a
 *   remote reset reachable by anyone who knows a SIM number.
 *
 * Pure: no I/O (the guard keeps its counters in memory and takes an injectable clock); never throws.
 */
import { gsm7Length } from '../gsm/gsm7.js';

export type SmsCommandKind = 'info' | 'reboot' | 'reset';
export const SMS_COMMAND_KINDS: readonly SmsCommandKind[] = ['info', 'reboot', 'reset'];
export type SmsCommand = { kind: 'info' } | { kind: 'reboot'; password: string } | { kind: 'reset'; password: string };

const EDGE_BLANKS = /^[\s\u3000]+|[\s\u3000]+$/gu;
const PASSWORD_COMMAND = /^(reboot|reset)[ \t\u3000]+([^\r\n]+)$/isu;
/** A sender that is a phone number (TS 23.040 §9.1.2.5 digits), not an alphanumeric name. */
const PHONE_SENDER = /^\+?[0-9]{1,20}$/;
/** What is stored in place of a password: the same for every password, so it tells nothing of its length. */
export const PASSWORD_MASK = '********';

/** Appendix A: the command a received SMS text holds, or null when it is an ordinary message. */
export function parseSmsCommand(text: string): SmsCommand | null {
  if (typeof text !== 'string') return null;
  const t = text.replace(EDGE_BLANKS, '');
  if (t.toUpperCase() === '###INFO###') return { kind: 'info' };
  const m = PASSWORD_COMMAND.exec(t);
  if (!m) return null;
  const keyword = m[1]!.toLowerCase();
  const password = m[2]!;
  return keyword === 'reboot' ? { kind: 'reboot', password } : { kind: 'reset', password };
}

/** A received SMS that is a command: the text to store (secret masked) and the command to act on. */
export interface ScreenedCommand {
  command: SmsCommand;
  /** The text stored in the inbox: `REBOOT ********`, `RESET ********`, or the ###INFO### text as sent. */
  storedText: string;
}

/**
 * Whether a received SMS is a command (see "What counts as a command" above); null for an ordinary
 * message. `concatenated`: the SMS is a part of a concatenated message.
 */
export function screenCommand(sms: { text: string; sender: string; concatenated: boolean }, enabled: Readonly<Record<SmsCommandKind, boolean>>): ScreenedCommand | null {
  if (sms.concatenated || typeof sms.sender !== 'string' || !PHONE_SENDER.test(sms.sender)) return null;
  const command = parseSmsCommand(sms.text);
  if (!command || enabled[command.kind] !== true) return null;
  return { command, storedText: maskedText(command, sms.text) };
}

/** The text of a command as it may be stored and shown: the password replaced by PASSWORD_MASK. */
export function maskedText(command: SmsCommand, original: string): string {
  return command.kind === 'info' ? original : `${command.kind.toUpperCase()} ${PASSWORD_MASK}`;
}

export interface CommandGuardOptions {
  /** Wrong passwords per sender within the window before that sender is refused (default 3). */
  maxPerSender?: number;
  /** Wrong passwords from all senders within the window before everyone is refused (default 10). */
  maxGlobal?: number;
  /** Sliding window in milliseconds (default 15 minutes). */
  windowMs?: number;
  /** Senders tracked at most; the least recently seen are forgotten first (default 10000). */
  maxSenders?: number;
  now?: () => number;
}

export type GuardDecision = { allowed: true } | { allowed: false; scope: 'sender' | 'global'; retryAfterMs: number };

/**
 * Limits RESET/REBOOT password guessing. Use: `begin(sender)`; when refused, drop the command without
 * checking the password; when allowed, check it and call `succeeded(sender)` if it was right. An attempt
 * counts as a failure from the moment it begins, so attempts racing a slow password check cannot slip
 * through; a success clears that sender's failures (per sender and in the global count).
 */
export class CommandGuard {
  readonly maxPerSender: number;
  readonly maxGlobal: number;
  readonly windowMs: number;
  private readonly maxSenders: number;
  private readonly now: () => number;
  private readonly perSender = new Map<string, number[]>();
  private global: Array<{ at: number; sender: string }> = [];

  constructor(opts: CommandGuardOptions = {}) {
    this.maxPerSender = positive(opts.maxPerSender, 3);
    this.maxGlobal = positive(opts.maxGlobal, 10);
    this.windowMs = positive(opts.windowMs, 15 * 60_000);
    this.maxSenders = positive(opts.maxSenders, 10_000);
    this.now = opts.now ?? Date.now;
  }

  /** Whether an attempt from this sender may be checked now, without counting it. */
  check(sender: string): GuardDecision {
    const now = this.now();
    this.prune(now);
    const key = String(sender);
    const mine = this.perSender.get(key) ?? [];
    if (mine.length >= this.maxPerSender) {
      return { allowed: false, scope: 'sender', retryAfterMs: Math.max(1, mine[mine.length - this.maxPerSender]! + this.windowMs - now) };
    }
    if (this.global.length >= this.maxGlobal) {
      const oldest = this.global[this.global.length - this.maxGlobal]!.at;
      return { allowed: false, scope: 'global', retryAfterMs: Math.max(1, oldest + this.windowMs - now) };
    }
    return { allowed: true };
  }

  /** Checks and, when allowed, counts the attempt as a failure until `succeeded` says otherwise. */
  begin(sender: string): GuardDecision {
    const d = this.check(sender);
    if (!d.allowed) return d;
    const key = String(sender);
    const at = this.now();
    const list = this.perSender.get(key) ?? [];
    this.perSender.delete(key);
    while (this.perSender.size >= this.maxSenders) {
      const oldest = this.perSender.keys().next();
      if (oldest.done) break;
      this.perSender.delete(oldest.value);
    }
    list.push(at);
    this.perSender.set(key, list);
    this.global.push({ at, sender: key });
    return d;
  }

  /** The password was right: forget this sender's failures. */
  succeeded(sender: string): void {
    const key = String(sender);
    this.perSender.delete(key);
    this.global = this.global.filter((f) => f.sender !== key);
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    for (const [key, list] of this.perSender) {
      while (list.length > 0 && list[0]! <= cutoff) list.shift();
      if (list.length === 0) this.perSender.delete(key);
    }
    let drop = 0;
    while (drop < this.global.length && this.global[drop]!.at <= cutoff) drop++;
    if (drop > 0) this.global = this.global.slice(drop);
  }
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : fallback;
}

export interface InfoAddresses {
  /** Web UI addresses, e.g. `http://192.168.1.10/`: listed first, kept longest. */
  http: string[];
  sip?: string[];
  smpp?: string[];
}

/** One SMS: 160 GSM 7-bit septets, or 70 UCS-2 code units (TS 23.040 §9.2.3.24, 140 octets of TP-UD). */
function fitsOneSms(text: string): boolean {
  const septets = gsm7Length(text);
  if (septets !== undefined) return septets <= 160;
  return text.length <= 70;
}

/**
 * The reply to `###INFO###` (Appendix A: the device's IP address information), e.g.
 *
 *   cellgate gw-1 0.1.0
 *   HTTP http://192.168.1.10/
 *   SIP 192.168.1.10:5060
 *   SMPP 192.168.1.10:2775
 *
 * It is kept to one SMS when possible: when everything does not fit, addresses are dropped from the
 * end (SMPP first, then SIP, then the later HTTP ones; the first HTTP address is always kept) and
 * "+N more" says how many were left out. A device name outside the GSM 7-bit alphabet makes the reply
 * UCS-2 with room for 70 characters only. If even the header and the first address do not fit, the
 * reply is sent as it is (a concatenated SMS) rather than cut.
 */
export function infoReply(addresses: InfoAddresses, device: { name: string; version: string }): string {
  const clean = (s: unknown): string => (typeof s === 'string' ? s.replace(/[\r\n\t]+/gu, ' ').trim() : '');
  const name = clean(device?.name);
  const version = clean(device?.version);
  const header = ['cellgate', name, version].filter((s) => s !== '').join(' ');
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(clean).filter((s) => s !== '') : []);
  const items: Array<{ label: string; value: string }> = [
    ...list(addresses?.http).map((value) => ({ label: 'HTTP', value })),
    ...list(addresses?.sip).map((value) => ({ label: 'SIP', value })),
    ...list(addresses?.smpp).map((value) => ({ label: 'SMPP', value })),
  ];
  const render = (kept: number): string => {
    const lines = [header];
    let label = '';
    let line = '';
    for (const it of items.slice(0, kept)) {
      if (it.label === label) {
        line += ` ${it.value}`;
      } else {
        if (line) lines.push(line);
        label = it.label;
        line = `${it.label} ${it.value}`;
      }
    }
    if (line) lines.push(line);
    if (items.length === 0) lines.push('no network address');
    const omitted = items.length - kept;
    if (omitted > 0) lines.push(`+${omitted} more`);
    return lines.join('\n');
  };
  const full = render(items.length);
  if (fitsOneSms(full)) return full;
  for (let kept = items.length - 1; kept >= 1; kept--) {
    const text = render(kept);
    if (fitsOneSms(text)) return text;
  }
  return full;
}
