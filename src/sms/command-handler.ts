/**
 * SMS commands (manual appendix A), acted on when a received SMS is stored:
 * - `###INFO###`: replies to the sender with the device's addresses (can be disabled: sms.commands.info);
 * - `REBOOT <password>`: restarts cellgate; `RESET <password>`: restores the default configuration
 *   (keeping the HTTP section so the device stays reachable, and the users) and restarts.
 * The password is the admin user's. Wrong passwords are logged (never the password) and limited per
 * sender and in total (CommandGuard); while limited, attempts are refused without checking.
 * A command message is still stored and forwarded like any other SMS: the operator sees it.
 */
import type { InboundMessage } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import { CommandGuard, infoReply, parseSmsCommand, type InfoAddresses } from './commands.js';
import type { SmsConfig } from './config-types.js';

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
}

export class SmsCommandHandler {
  private readonly guard: CommandGuard;

  constructor(private readonly o: CommandHandlerOptions) {
    this.guard = o.guard ?? new CommandGuard();
  }

  /** Looks at a stored message; returns the command acted on, or null. Never throws. */
  async handle(m: InboundMessage): Promise<'info' | 'reboot' | 'reset' | 'refused' | null> {
    try {
      const cmd = parseSmsCommand(m.text);
      if (!cmd) return null;
      const cfg = this.o.config().commands;
      const line = Number(m.line);
      if (cmd.kind === 'info') {
        if (!cfg.info) return null;
        await this.o.reply(line, m.sender, infoReply(this.o.addresses(), this.o.device()));
        this.o.log.info({ line, from: m.sender }, 'SMS command ###INFO### answered');
        return 'info';
      }
      if (!cfg[cmd.kind]) return null;
      const allowed = this.guard.begin(m.sender);
      if (!allowed.allowed) {
        this.o.log.warn({ line, from: m.sender, command: cmd.kind, scope: allowed.scope, retryAfterSec: Math.ceil(allowed.retryAfterMs / 1000) }, 'SMS command refused: too many wrong passwords');
        return 'refused';
      }
      if (!(await this.o.verifyAdminPassword(cmd.password))) {
        this.o.log.warn({ line, from: m.sender, command: cmd.kind }, 'SMS command with a wrong password');
        return 'refused';
      }
      this.guard.succeeded(m.sender);
      const reason = `SMS command ${cmd.kind.toUpperCase()} from ${m.sender} on line ${line}`;
      this.o.log.warn({ line, from: m.sender, command: cmd.kind }, 'SMS command accepted');
      if (cmd.kind === 'reset') await this.o.reset(reason);
      this.o.reboot(reason);
      return cmd.kind;
    } catch (e) {
      this.o.log.error({ err: e, id: m.id }, 'SMS command failed');
      return null;
    }
  }
}
