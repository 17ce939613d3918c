/**
 * A whole simulated installation: one mobile network (three operators) and N modems with four SIM slots
 * each, alternating Quectel EC25 and SIMCom SIM7600. All identities are deterministic, so a demo, a test
 * and a benchmark see the same IMEIs, ICCIDs and numbers every time:
 *   modem i (1-based): IMEI TAC 86123404 (EC25) / 86452704 (SIM7600) + serial i + check digit;
 *   slot s (A..D = 0..3): operator (i+s) mod 3 of 46000 / 46001 / 46011; IMSI <plmn><i:4><s:6>;
 *   number +86138<i:4><s+1:2>, except slot D of odd modems (no number stored: own-number discovery);
 *   slot C of modem 2 carries PIN 1234 (the other cards have the PIN check off).
 */
import { luhnCheckDigit } from '../../src/gsm/imei.js';
import type { Logger } from '../../src/util/log.js';
import { MobileNetwork } from './network/mobile-network.js';
import { realClock } from './network/clock.js';
import { SimulatedModem } from './modem/simulated-modem.js';
import type { Dialect } from './modem/dialect.js';
import { REALISTIC_TIMING, ZERO_TIMING, type Clock, type Operator, type SimCard, type Timing } from './types.js';

export type TimingPreset = 'zero' | 'fast' | 'realistic';

export const FAST_TIMING: Timing = {
  commandMs: 0,
  registrationMs: 200,
  smsSendMs: 100,
  smsDeliverMs: 100,
  callSetupMs: 100,
  ringMs: 300,
  noAnswerMs: 5000,
  bootMs: 300,
  ussdMs: 100,
};

export function timingPreset(p: TimingPreset): Timing {
  return p === 'zero' ? ZERO_TIMING : p === 'fast' ? FAST_TIMING : REALISTIC_TIMING;
}

export const SIM_OPERATORS: readonly Operator[] = [
  { plmn: '46000', longName: 'CHINA MOBILE', shortName: 'CMCC' },
  { plmn: '46001', longName: 'CHN-UNICOM', shortName: 'UNICOM' },
  { plmn: '46011', longName: 'CHN-CT', shortName: 'CT' },
];

const SMSC: Record<string, string> = { '46000': '+8613800100500', '46001': '+8613010112500', '46011': '+8613800100569' };
const SLOT_LETTERS = ['A', 'B', 'C', 'D'] as const;

export interface SimulatorOptions {
  modems: number;
  timing?: TimingPreset | Partial<Timing>;
  clock?: Clock;
  log?: Logger;
  seed?: number;
  /** The SIM7600s' PCM frame length: 20 ms, or 40 ms as some firmware wants (docs/simulator.md). */
  simcomPcmFrameMs?: 20 | 40;
}

export function simImei(i: number, dialect: Dialect): string {
  const body = (dialect === 'quectel-ec25' ? '86123404' : '86452704') + String(i).padStart(6, '0');
  return body + luhnCheckDigit(body);
}

export function simCard(i: number, s: number): SimCard {
  const op = SIM_OPERATORS[(i + s) % SIM_OPERATORS.length]!;
  const iccidBody = `898600${String(i).padStart(4, '0')}${s}${'0'.repeat(8)}`;
  return {
    iccid: iccidBody + luhnCheckDigit(iccidBody),
    imsi: `${op.plmn}${String(i).padStart(4, '0')}${String(s).padStart(6, '0')}`,
    number: s === 3 && i % 2 === 1 ? null : `+86138${String(i).padStart(4, '0')}${String(s + 1).padStart(2, '0')}`,
    pin: i === 2 && s === 2 ? '1234' : null,
    puk: '12345678',
    plmn: op.plmn,
    smsc: SMSC[op.plmn]!,
    volte: true,
  };
}

export class Simulator {
  readonly network: MobileNetwork;
  readonly modems: SimulatedModem[];
  readonly clock: Clock;
  readonly timing: Timing;

  constructor(opts: SimulatorOptions) {
    this.clock = opts.clock ?? realClock();
    const t = opts.timing ?? 'realistic';
    this.timing = typeof t === 'string' ? timingPreset(t) : { ...ZERO_TIMING, ...t };
    this.network = new MobileNetwork({
      clock: this.clock,
      timing: this.timing,
      operators: [...SIM_OPERATORS],
      ...(opts.log ? { log: opts.log.child({ component: 'sim-network' }) } : {}),
      seed: opts.seed ?? 1,
    });
    this.modems = [];
    for (let i = 1; i <= opts.modems; i++) {
      const dialect: Dialect = i % 2 === 1 ? 'quectel-ec25' : 'simcom-sim7600';
      this.modems.push(
        new SimulatedModem({
          id: i,
          dialect,
          imei: simImei(i, dialect),
          sims: [0, 1, 2, 3].map((s) => simCard(i, s)),
          slot: 'A',
          network: this.network,
          clock: this.clock,
          timing: this.timing,
          devicePath: `/dev/ttySIM${i}`,
          ...(dialect === 'simcom-sim7600' && opts.simcomPcmFrameMs ? { pcmFrameMs: opts.simcomPcmFrameMs } : {}),
          ...(opts.log ? { log: opts.log.child({ component: 'sim-modem', modem: i }) } : {}),
        }),
      );
    }
  }

  modem(id: number): SimulatedModem | undefined {
    return this.modems[id - 1];
  }

  byImei(imei: string): SimulatedModem | undefined {
    return this.modems.find((m) => m.imei === imei);
  }

  close(): void {
    for (const m of this.modems) m.close();
    this.network.close();
  }
}

export { SLOT_LETTERS };
