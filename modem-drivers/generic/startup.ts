/**
 * Start-up progress as the modem reports it after power-on or a reset: RDY (the AT interface is up), then
 * the vendor's SMS-ready and phonebook-ready URCs (Quectel `+QIND: SMS DONE` / `+QIND: PB DONE`, SIMCom
 * `SMS DONE` / `PB DONE`).
 */
import type { ModemEvents } from './urc-events.js';

export interface ModemStartup {
  /** RDY: the AT interface is up. */
  rdy: boolean;
  /** SMS storage initialised (Quectel `+QIND: SMS DONE`, SIMCom `SMS DONE`). */
  smsDone: boolean;
  /** Phonebook read; SIM initialisation complete (Quectel `+QIND: PB DONE`, SIMCom `PB DONE`). */
  pbDone: boolean;
}

export class StartupTracker {
  readonly state: ModemStartup = { rdy: false, smsDone: false, pbDone: false };

  constructor(private readonly events: ModemEvents) {}

  /** Records a boot URC; RDY (a restart) clears the later stages and tells the line the modem restarted. */
  record(stage: 'rdy' | 'sms-done' | 'pb-done'): void {
    if (stage === 'rdy') {
      this.state.rdy = true;
      this.state.smsDone = false;
      this.state.pbDone = false;
      this.events.emit({ type: 'modem-ready' });
    } else if (stage === 'sms-done') {
      this.state.smsDone = true;
      this.events.log.info('SMS storage ready');
    } else {
      this.state.pbDone = true;
      this.events.log.info('SIM initialised (phonebook ready)');
    }
  }

  /** The modem said it is powering down: the AT interface is no longer up. */
  poweredDown(): void {
    this.state.rdy = false;
  }
}
