/**
 * SMS commands (manual appendix A), acted on once a received SMS that is one (commands.ts
 * `screenCommand`) is stored with its secret masked:
 * - `###INFO###`: replies to the sender with the device's addresses. Off by default
 *   (sms.commands.info); when on, only the senders in sms.commands.infoFrom (all when empty) are
 *   answered, each at most sms.commands.infoLimit.perSender times per windowMinutes (every answer is
 *   an SMS paid on the line's SIM);
 * - `REBOOT <password>`: restarts cellgate; `RESET <password>`: restores the default configuration
 *   (keeping the HTTP section so the device stays reachable, and the users) and restarts.
 * The password is the admin user's. It comes from the SMS in memory, never from the store (which holds
 * `REBOOT ********`). Wrong passwords are logged (never the password) and limited per sender and in
 * total (CommandGuard); while limited, attempts are refused without checking.
 * A command is consumed: the receiver stored it without forwarding jobs (fanout.ts), whatever the outcome.
 */
import type { InboundMessage } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import { CommandGuard, infoReply, type InfoAddresses, type SmsCommand } from './commands.js';
import type { SmsConfig } from '../config/schema-messaging.js';
import { ReplyLimit } from './reply-limit.js';

export interface CommandHandlerOptions {
  config: () => SmsConfig;
  verifyAdminPassword: (password: string) => Promise<boolean>;
  /** Queues the reply SMS from the line the command came in on. */
  reply: (line: number, to: string, text: string) => Promise<unknown>;
  addresses: () => InfoAddresses;
  device: () => { name: string; version: string };
  reboot: (reason: string) => void;
  reset: (reason: string) => Promise<void>;
  log: Logger;
  guard?: CommandGuard;
  now?: () => number;
}

export type CommandOutcome = 'info' | 'reboot' | 'reset' | 'refused' | 'ignored';

/** Whether two phone numbers are the same, digit for digit, a leading + ignored. */
export function sameNumber(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[\s-]/g, '').replace(/^\+/, '');
  return norm(a) === norm(b);
}

export class SmsCommandHandler {
  private readonly guard: CommandGuard;
  private infoLimit: { key: string; limit: ReplyLimit } | null = null;

  constructor(private readonly o: CommandHandlerOptions) {
    this.guard = o.guard ?? new CommandGuard(o.now ? { now: o.now } : {});
  }

  /** Acts on a stored command message; `command` is what it said (with the password). Never throws. */
  async handle(m: InboundMessage, command: SmsCommand): Promise<CommandOutcome> {
    const line = Number(m.line);
    const base = { id: m.id, line, from: m.sender, command: command.kind };
    try {
      const cfg = this.o.config().commands;
      if (!cfg[command.kind]) {
        this.o.log.info(base, 'SMS command switched off since it arrived: not acted on');
        return 'ignored';
      }
      if (command.kind === 'info') return await this.info(m, line, cfg);
      const allowed = this.guard.begin(m.sender);
      if (!allowed.allowed) {
        this.o.log.warn({ ...base, scope: allowed.scope, retryAfterSec: Math.ceil(allowed.retryAfterMs / 1000) }, 'SMS command refused: too many wrong passwords');
        return 'refused';
      }
      if (!(await this.o.verifyAdminPassword(command.password))) {
        this.o.log.warn(base, 'SMS command with a wrong password');
        return 'refused';
      }
      this.guard.succeeded(m.sender);
      const reason = `SMS command ${command.kind.toUpperCase()} from ${m.sender} on line ${line}`;
      this.o.log.warn(base, 'SMS command accepted');
      if (command.kind === 'reset') await this.o.reset(reason);
      this.o.reboot(reason);
      return command.kind;
    } catch (e) {
      this.o.log.error({ err: e, id: m.id }, 'SMS command failed');
      return 'refused';
    }
  }

  private async info(m: InboundMessage, line: number, cfg: SmsConfig['commands']): Promise<CommandOutcome> {
    const base = { id: m.id, line, from: m.sender, command: 'info' };
    if (cfg.infoFrom.length > 0 && !cfg.infoFrom.some((n) => sameNumber(n, m.sender))) {
      this.o.log.warn(base, 'SMS command ###INFO### from a sender not in sms.commands.infoFrom: not answered');
      return 'refused';
    }
    const limited = this.limitFor(cfg.infoLimit).take(m.sender);
    if (!limited.allowed) {
      this.o.log.warn({ ...base, retryAfterSec: Math.ceil(limited.retryAfterMs / 1000) }, 'SMS command ###INFO### not answered: this sender was answered already (sms.commands.infoLimit)');
      return 'refused';
    }
    await this.o.reply(line, m.sender, infoReply(this.o.addresses(), this.o.device()));
    this.o.log.info(base, 'SMS command ###INFO### answered');
    return 'info';
  }

  /** The per-sender limit of ###INFO### answers; a new one when the configuration changed it. */
  private limitFor(c: { perSender: number; windowMinutes: number }): ReplyLimit {
    const key = `${c.perSender}/${c.windowMinutes}`;
    if (this.infoLimit?.key !== key) {
      this.infoLimit = { key, limit: new ReplyLimit({ perSender: c.perSender, windowMs: c.windowMinutes * 60_000, ...(this.o.now ? { now: this.o.now } : {}) }) };
    }
    return this.infoLimit.limit;
  }
}
