/**
 * A SIMCom SIM7500 / SIM7600 modem (SIM7600E-H, SIM7600G-H, ...): the TS 27.007 / 27.005 capabilities with
 * SIMCom's queries plugged in (./netreg.ts), plus USB audio (./audio.ts) and IMEI writing (./imei.ts) and the
 * data check (./data-check.ts), DTMF detection AT+DDET → +RXDTMF (./dtmf.ts). Start-up URCs: RDY (→ 'modem-ready'),
 * +CPIN: READY (generic → 'sim-state'), SMS DONE and PB DONE (recorded in `startup`); call URCs in
 * ./urc-handler.ts, call ends in ./call-end.ts, told by ./voicecall.ts where the host's own calls start and stop.
 */
import { GenericCallWaiting } from '../generic/call-waiting.js';
import type { AtChannelApi } from '../../src/at/types.js';
import type { Modem, ModemOptions } from '../capabilities.js';
import type { Rat } from '../types.js';
import { genericParts, listenForUrcs, openCore, type GenericParts } from '../generic/modem-core.js';
import type { GenericNetreg } from '../generic/netreg.js';
import type { ModemStartup } from '../generic/startup.js';
import { SimcomAudio } from './audio.js';
import { SimcomImei } from './imei.js';
import { pcmFormatOf } from '../generic/audio-checks.js';
import { CallEndTracker } from './call-end.js';
import { SimcomDtmfDetection } from './dtmf.js';
import { SimcomDataCheck } from './data-check.js';
import { SIMCOM_ICCID_STEPS, simcomNetworkMode } from './netreg.js';
import { DEFAULT_CALL_END_GRACE_MS, SIMCOM_URCS, simcomUrcHandler, type SimcomUrcState } from './urc-handler.js';
import { SimcomVoiceCall } from './voicecall.js';

export interface SimcomModemOptions extends ModemOptions {
  /**
   * How long a `VOICE CALL: END` / `MISSED_CALL` waits for a NO CARRIER / BUSY / NO ANSWER that carries the
   * real reason, and how long after such a result a VOICE CALL: END is taken as the same call end (ms).
   * Default 500.
   */
  callEndGraceMs?: number;
  /** The USB PCM port's rate: 16000 sends AT+CPCMFRM=1 at bring-up (firmware that has it). Default 8000. */
  pcmSampleRate?: 8000 | 16000;
  /** The PCM frame length the firmware writes: 20 ms, or 40 ms on firmware that writes 640-byte frames. Default 20. */
  pcmFrameMs?: 20 | 40;
}

export type SimcomModem = Modem &
  GenericParts & {
    readonly family: 'simcom';
    readonly netreg: GenericNetreg & { networkMode(): Promise<Rat | null> };
    readonly callWaiting: GenericCallWaiting;
    readonly audio: SimcomAudio;
    readonly imei: SimcomImei;
    readonly dataCheck: SimcomDataCheck;
    readonly dtmfDetection: SimcomDtmfDetection;
    readonly startup: ModemStartup;
    /** Seconds reported by the last `VOICE CALL: END: <time>` (null when unreadable or none yet). */
    readonly lastCallSeconds: number | null;
  };

export function openSimcomModem(channel: AtChannelApi, opts: SimcomModemOptions): SimcomModem {
  const g = opts.callEndGraceMs;
  const graceMs = typeof g === 'number' && Number.isFinite(g) && g >= 0 ? g : DEFAULT_CALL_END_GRACE_MS;
  const core = openCore(channel, opts.log);
  const state: SimcomUrcState = { lastCallSeconds: null };
  const parts = genericParts(core, {
    iccidSteps: SIMCOM_ICCID_STEPS,
    netreg: { accessTechnology: () => simcomNetworkMode(core.at) },
  });
  const ends = new CallEndTracker(core.events, graceMs);
  const voicecall = new SimcomVoiceCall(core.at, ends);
  listenForUrcs(core, SIMCOM_URCS, [simcomUrcHandler(core, voicecall, state, ends)]);
  // VOICE CALL: BEGIN announces the answer (./urc-handler.ts).
  voicecall.reportsAnswer = true;
  return {
    ...parts,
    voicecall,
    family: 'simcom',
    netreg: Object.assign(parts.netreg, { networkMode: () => simcomNetworkMode(core.at) }),
    audio: new SimcomAudio(core.at, pcmFormatOf(opts.pcmSampleRate, opts.pcmFrameMs, { sampleRate: 8000, frameMs: 20 })),
    callWaiting: new GenericCallWaiting(core.at),
    imei: new SimcomImei(core.at),
    dataCheck: new SimcomDataCheck(core.at, core.results),
    dtmfDetection: new SimcomDtmfDetection(core.at),
    startup: core.startup.state,
    get lastCallSeconds() {
      return state.lastCallSeconds;
    },
  };
}
