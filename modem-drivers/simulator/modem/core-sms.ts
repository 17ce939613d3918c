/**
 * How the simulated modem takes SMS and status reports from the network (TS 27.005 §3.4.1 +CNMI
 * routing): stored with +CMTI/+CDSI, or routed as +CMT/+CDS and acknowledged with +CNMA (§3.4.4), the TA
 * buffer while <mode>=0, and the TP-MR counter of sent messages. Part of ModemCore.
 *
 * Memory full: an SMS that finds no free slot is refused towards the network with RP-Cause 22 "memory
 * capacity exceeded" (TS 24.011 §8.2.5.4) and the SIM's EF-SMSS flag is set; the network keeps it. Once
 * a slot is free again (AT+CMGD, or at registration when the flag is still set) the MS sends RP-SMMA
 * (TS 24.011 §7.3.2) and the network delivers what it kept (TS 23.040 §10.3).
 */
import { bytesToHex, encodeSmscAddress } from '../../../src/gsm/index.js';
import type { Logger } from '../../../src/util/log.js';
import type { Attachment, SmsDeliveryAnswer } from '../types.js';
import type { CoreHost, MemName, PinState, Settings } from './core-settings.js';
import type { DialectProfile } from './dialect.js';
import type { SimRuntime } from './sim-runtime.js';
import { CombinedMemory, type Memory, type MessageMemory } from './sms-store.js';

/** The +CNMA wait (TS 27.005 §3.4.4; TS 24.011 TR2M is 12 to 20 s). */
export const CNMA_TIMEOUT_MS = 15_000;
/** TE buffer for indications while +CNMI <mode>=0 (TS 27.005 §3.4.1). */
const TA_BUFFER = 20;

/** What the SMS part reads of the modem core (ModemCore provides it). */
export interface SmsCore {
  readonly host: CoreHost;
  readonly log: Logger | undefined;
  readonly me: MessageMemory;
  readonly sr: MessageMemory;
  readonly powered: boolean;
  readonly attachment: Attachment | null;
  readonly registered: boolean;
  readonly profile: DialectProfile;
  readonly s: Settings;
  readonly simRt: SimRuntime | null;
  pinState(): PinState;
  timer(fn: () => void, ms: number): { cancel(): void };
}

export class SmsReception {
  /** TP-MR counter (TS 23.040 §9.2.3.6: the MS assigns it). */
  mr = 0;
  /** A +CMT / +CDS waits for +CNMA (only with +CSMS=1). */
  ackPending: { timer: { cancel(): void }; store: () => void } | null = null;
  readonly taBuffer: string[][] = [];

  constructor(private readonly core: SmsCore) {}


  memory(name: MemName): Memory | null {
    switch (name) {
      case 'SM':
        return this.core.simRt?.sm ?? null;
      case 'ME':
        return this.core.me;
      case 'SR':
        return this.core.sr;
      case 'MT':
        return new CombinedMemory(this.core.simRt?.sm ?? null, this.core.me);
    }
  }

  /** Delivers an indication now, or keeps it in the TA buffer while <mode>=0. */
  indicate(lines: string[]): void {
    if (this.core.s.cnmi[0] === 0) {
      this.taBuffer.push(lines);
      if (this.taBuffer.length > TA_BUFFER) this.taBuffer.shift();
      return;
    }
    this.core.host.urc(lines);
  }

  /** +CNMI=<mode>…,<bfr>: flush (bfr 0) or clear (bfr 1) what <mode>=0 kept. */
  cnmiChanged(): void {
    const [mode, , , , bfr] = this.core.s.cnmi;
    if (mode === 0) return;
    const kept = this.taBuffer.splice(0);
    if (bfr === 0) for (const l of kept) this.core.host.urc(l);
  }

  /**
   * An SMS-DELIVER the network hands over (also used to put a TPDU no decoder reads on the modem):
   * stored or routed as +CNMI says. False without a SIM that is ready to receive.
   */
  receiveSms(tpdu: Uint8Array, smsc: string | null): boolean {
    if (!this.core.powered || !this.core.simRt || this.core.pinState() !== 'READY') return false;
    this.onSms(tpdu, smsc ?? this.core.simRt.smsc);
    return true;
  }

  /** An SMS-DELIVER from the network: routed (+CMT) or stored (+CMTI); refused when it cannot be stored. */
  onSms(tpdu: Uint8Array, smsc: string): SmsDeliveryAnswer {
    const pdu = bytesToHex(encodeSmscAddress(smsc)) + bytesToHex(tpdu);
    const msg = { stat: 0 as const, pdu, length: tpdu.length };
    const mt = this.core.s.cnmi[1];
    const store = () => {
      const mtNow = this.core.s.cnmi[1];
      const memName = this.core.s.cpms[2];
      const mem = this.memory(memName);
      const index = mem ? mem.add(msg) : -1;
      if (index < 0) {
        const rt = this.core.simRt;
        if (rt) rt.memoryExceeded = true;
        this.core.log?.warn({ mem: memName }, 'simulated modem: SMS storage full, message refused (RP-Cause 22); the network keeps it');
        if (this.core.s.qind.smsfull && this.core.profile.dialect === 'quectel-ec25') this.core.host.urc([`+QIND: "smsfull","${memName}"`]);
        return false;
      }
      if (mtNow === 1 || mtNow === 2 || mtNow === 3) this.indicate([`+CMTI: "${memName}",${index}`]);
      return true;
    };
    if ((mt === 2 || mt === 3) && this.ackPending === null) {
      // Routed to the TE: taken from the network now. Should the +CNMA not come and the memory then be
      // full, the message is lost (the network was already answered); a warning is logged.
      this.indicate([`+CMT: ,${tpdu.length}`, pdu]);
      this.expectAck(() => void store());
      return 'accepted';
    }
    return store() ? 'accepted' : 'memory-full';
  }

  /**
   * RP-SMMA (TS 24.011 §7.3.2): while the SIM's flag says a message was refused, and the receive memory
   * (+CPMS <mem3>) has a free slot again, the MS tells the network. The flag stays set until the network
   * acknowledged (registered); the next deletion or registration tries again.
   */
  memoryMayBeAvailable(): void {
    const rt = this.core.simRt;
    if (!rt?.memoryExceeded || !this.core.powered || !this.core.registered) return;
    const mem = this.memory(this.core.s.cpms[2]);
    if (!mem || mem.used >= mem.capacity) return;
    try {
      if (this.core.attachment?.smsMemoryAvailable()) rt.memoryExceeded = false;
    } catch (err) {
      this.core.log?.warn({ err }, 'simulated modem: network smsMemoryAvailable threw');
    }
  }

  onStatusReport(tpdu: Uint8Array, smsc: string): void {
    const pdu = bytesToHex(encodeSmscAddress(smsc)) + bytesToHex(tpdu);
    const ds = this.core.s.cnmi[3];
    const store = () => {
      const index = this.core.sr.add({ stat: 0, pdu, length: tpdu.length });
      if (index < 0) return;
      const dsNow = this.core.s.cnmi[3];
      if (dsNow === 2 || dsNow === 1) this.indicate([`+CDSI: "${this.core.profile.cdsiMem}",${index}`]);
    };
    if (ds === 1 && this.ackPending === null) {
      this.indicate([`+CDS: ${tpdu.length}`, pdu]);
      this.expectAck(store);
      return;
    }
    if (ds === 2) store();
  }

  /**
   * With +CSMS=1 a routed +CMT/+CDS must be acknowledged with +CNMA (TS 27.005 §3.4.4). Without it the
   * ME rejects the message towards the network and turns routing off (<mt>=<ds>=0). The network here
   * cannot be told, so the message is then kept in the receive memory, as the network's retry would be.
   */
  private expectAck(store: () => void): void {
    if (this.core.s.csms !== 1) return;
    const timer = this.core.timer(() => {
      this.ackPending = null;
      this.core.s.cnmi[1] = 0;
      this.core.s.cnmi[3] = 0;
      store();
    }, CNMA_TIMEOUT_MS);
    this.ackPending = { timer, store };
  }

  /** +CNMA: true when an acknowledgement was expected. */
  acknowledge(): boolean {
    const p = this.ackPending;
    if (!p) return false;
    p.timer.cancel();
    this.ackPending = null;
    return true;
  }

  nextMr(): number {
    this.mr = (this.mr + 1) & 0xff;
    return this.mr;
  }
}
