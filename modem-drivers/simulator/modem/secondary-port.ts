/**
 * The simulated modem's second AT port: the USB 'modem' interface of an EC25 or SIM7600, which answers AT
 * beside the AT interface. A host uses it to ask "are you alive?" while the main port waits for the network
 * (AT+CMGS, ATD), as ModemManager does with its secondary port. It shares the modem's fate: a hung modem
 * answers on neither port, and a restart or USB loss closes both.
 *
 * What it serves: `AT` (OK), `ATE0` / `ATE1` (its own echo, on at power-on as on the main port, V.250
 * §6.2.4), `ATI` (the identity the modem gives on its main port). Every other command line answers ERROR:
 * the command interpreter with the modem's state belongs to the main port, and a second interpreter acting
 * on the same state would answer for a modem that does not exist.
 */
import { AtParser, type ParsedLine } from './at-parser.js';
import type { SimPort } from './sim-port.js';

export interface SecondaryPortHost {
  /** The modem answers nothing (setHung). */
  readonly hung: boolean;
  /** The lines ATI prints (manufacturer, model, revision). */
  identity(): string[];
}

export class SecondaryAtPort {
  private readonly parser = new AtParser();
  private echo = true;

  constructor(
    readonly port: SimPort,
    private readonly host: SecondaryPortHost,
  ) {
    port.input = (b) => this.receive(b);
  }

  /** The modem hung: whatever it was about to say is lost. */
  drop(): void {
    this.port.drop();
  }

  private receive(b: Buffer): void {
    if (this.host.hung) return;
    let echo = '';
    for (const byte of b) {
      if (this.echo) echo += String.fromCharCode(byte);
      const ev = this.parser.push(byte);
      if (!ev) continue;
      if (ev.kind === 'line') {
        this.port.send(echo);
        echo = '';
        this.port.send(this.answer(ev.parsed));
      } else if (ev.kind === 'overflow' || ev.kind === 'repeat') {
        this.port.send(echo);
        echo = '';
        this.port.send('\r\nERROR\r\n');
      }
    }
    this.port.send(echo);
  }

  private answer(line: ParsedLine): string {
    if (!line.ok) return '\r\nERROR\r\n';
    let info = '';
    for (const c of line.commands) {
      if (c.kind === 'basic' && c.name === 'E' && (c.value === null || c.value <= 1)) this.echo = c.value === 1;
      else if (c.kind === 'basic' && c.name === 'I' && !c.value) info += `\r\n${this.host.identity().join('\r\n')}\r\n`;
      else return '\r\nERROR\r\n';
    }
    return `${info}\r\nOK\r\n`;
  }
}
