/**
 * Voice calls and USSD: ATD (V.250 §6.3.1, TS 27.007 §6.2), ATA (§6.3.5), ATH (§6.3.6), +CHUP (§6.5),
 * +CLCC (§7.18), +CLIP (§7.6), +CEER (§6.10), +CVHU (§6.20), +CUSD (§7.15), +CCWA (§7.12), +CHLD
 * (§7.13, call-hold.ts), +VTS (§C.2.11), and the vendors' USB audio
 * commands (Quectel AT+QPCMV, SIMCom AT+CPCMREG).
 */
import { decodeString } from './charset.js';
import { argInt, argStr, intsIn, type ExtendedCommand, type Handler } from './command-args.js';
import type { ModemCore } from './modem-core.js';
import { callHold } from './call-hold.js';
import { numberType, type CallSession } from './core-calls.js';
import { cme, ERROR, info, OK, type Outcome } from './outcome.js';

/** <stat> of +CLCC (TS 27.007 §7.18). */
const CLCC_STAT = { active: 0, dialing: 2, alerting: 3, incoming: 4, ended: 0 } as const;

export const callCommands: Handler = (core, c) => {
  if (c.kind === 'dial') return dial(core, c.dialString, c.voice);
  if (c.kind === 'basic') {
    if (c.name === 'A') return answer(core);
    if (c.name === 'H') return hangup(core);
    return undefined;
  }
  if (c.kind !== 'extended') return undefined;
  const test = c.op === 'test';
  switch (c.name) {
    case '+CHUP':
      if (test) return OK;
      return c.op === 'exec' ? hangup(core) : ERROR;
    case '+CLCC': {
      if (test) return OK;
      if (c.op !== 'exec') return ERROR;
      const all = core.calls.sessions();
      if (all.length === 0) return OK;
      return { info: [all.map((s) => clccRow(s, all.length > 1))] };
    }
    case '+CCWA':
      return ccwa(core, c);
    case '+CHLD':
      if (test) return info('+CHLD: (0,1,1x,2)');
      if (c.op !== 'set') return ERROR;
      return callHold(core.calls, (argStr(c, 0) ?? '').trim());
    case '+CLIP':
      if (test) return info('+CLIP: (0,1)');
      if (c.op === 'read') return info(`+CLIP: ${core.s.clip},1`);
      if (c.op !== 'set' || !intsIn(c, [[0, 1]])) return cme(4);
      core.s.clip = (argInt(c, 0) ?? 0) as 0 | 1;
      return OK;
    case '+CEER':
      if (test) return OK;
      return c.op === 'exec' ? info(`+CEER: ${core.calls.ceerText()}`) : ERROR;
    case '+CVHU':
      if (test) return info('+CVHU: (0-1)');
      if (c.op === 'read') return info('+CVHU: 0');
      return OK;
    case '+CRC':
    case '+COLP':
      if (test) return info(`${c.name}: (0,1)`);
      if (c.op === 'read') return info(c.name === '+CRC' ? '+CRC: 0' : '+COLP: 0,1');
      return argInt(c, 0) === 0 || c.op === 'exec' ? OK : cme(4);
    case '+CUSD':
      return cusd(core, c);
    case '+QPCMV':
      return core.profile.audio === 'qpcmv' ? qpcmv(core, c) : undefined;
    case '+CPCMREG':
      return core.profile.audio === 'cpcmreg' ? cpcmreg(core, c) : undefined;
    case '+VTS':
      return vts(core, c);
    case '+QTONEDET':
      return core.profile.dtmfDetection === 'qtonedet' ? dtmfDetection(core, c, '+QTONEDET: (0,1)', '+QTONEDET', [[0, 1]]) : undefined;
    case '+DDET':
      return core.profile.dtmfDetection === 'ddet' ? dtmfDetection(core, c, '+DDET: (0,1),(0-10000),(0,1),(0,1)', '+DDET', [[0, 1], [0, 10000], [0, 1], [0, 1]]) : undefined;
    default:
      return undefined;
  }
};

/** A +CLCC row; <stat> 1 held, 5 waiting (an incoming call while another is up). */
function clccRow(s: CallSession, two: boolean): string {
  const dir = s.direction === 'mo' ? 0 : 1;
  const stat = s.held ? 1 : s.state === 'incoming' && two ? 5 : CLCC_STAT[s.state];
  return `+CLCC: ${s.index},${dir},${stat},0,0,"${s.number}",${numberType(s.number)}`;
}

/** AT+CCWA=[<n>[,<mode>[,<class>]]] (§7.12): <n> shows +CCWA; <mode> 0/1 turns the network's service off/on, 2 asks. */
function ccwa(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+CCWA: (0,1)');
  if (c.op === 'read') return info(`+CCWA: ${core.s.ccwa}`);
  if (c.op !== 'set' || !intsIn(c, [[0, 1], [0, 2], [1, 255]])) return cme(4);
  core.s.ccwa = (argInt(c, 0) ?? 0) as 0 | 1;
  const mode = argInt(c, 1);
  if (mode === undefined) return OK;
  const att = core.attachment;
  if (!att || !core.registered) return cme(30);
  if (mode === 2) return info(`+CCWA: ${att.callWaiting ? 1 : 0},1`);
  att.setCallWaiting(mode === 1);
  return OK;
}

function dial(core: ModemCore, dialString: string, voice: boolean): Outcome {
  // Only voice calls to plain numbers: memory dialling (ATD>…) and data calls are not simulated.
  if (!voice) return { final: { kind: 'NO CARRIER' } };
  const number = dialString.replace(/[,TPW!@]/gi, '').replace(/[ID]$/i, '');
  if (!/^\+?[0-9*#]{1,40}$/.test(number)) return cme(27);
  const e = core.simError();
  if (e !== null) return cme(e);
  return core.calls.dial(number);
}

function answer(core: ModemCore): Outcome {
  const s = core.calls.call;
  if (!s || s.direction !== 'mt' || s.state !== 'incoming') return { final: { kind: 'NO CARRIER' } };
  try {
    s.leg.answer();
  } catch (err) {
    core.log?.warn({ err }, 'simulated modem: leg.answer threw');
    return { final: { kind: 'NO CARRIER' } };
  }
  if (core.calls.call !== s) return { final: { kind: 'NO CARRIER' } };
  return OK;
}

function hangup(core: ModemCore): Outcome {
  const lines = core.calls.hangupLocal();
  // fixtures/simcom/sim7600/call-mo.txt: VOICE CALL: END is printed inside the AT+CHUP reply, before OK.
  return lines.length > 0 ? { info: lines.map((l) => [l]) } : OK;
}

/** AT+CUSD=[<n>[,<str>[,<dcs>]]]: OK at once, the network's answer as a +CUSD URC (TS 27.007 §7.15). */
function cusd(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+CUSD: (0-2)');
  if (c.op === 'read') return info(`+CUSD: ${core.s.cusd}`);
  const n = c.op === 'exec' ? 0 : argInt(c, 0);
  if (n === undefined || Number.isNaN(n) || n > 2) return cme(4);
  if (n === 2) {
    if (core.ussdOpen) core.attachment?.ussdCancel();
    core.ussdOpen = false;
    return OK;
  }
  core.s.cusd = n as 0 | 1;
  const raw = argStr(c, 1);
  if (raw === undefined) return OK;
  const e = core.simError();
  if (e !== null) return cme(e);
  const dcs = argInt(c, 2) ?? 15;
  const text = dcs === 72 ? decodeString(raw, 'UCS2') : decodeString(raw, core.s.cscs);
  if (text === undefined || text === '') return cme(25);
  const att = core.attachment;
  if (!att || !core.registered) return cme(30);
  core.ussdOpen = true;
  const reply = att.ussd(text);
  reply.then(
    (r) => {
      if (core.attachment === att) core.onUssd(r);
    },
    (err: unknown) => {
      core.log?.debug({ err }, 'simulated modem: USSD failed');
      if (core.attachment === att) {
        core.ussdOpen = false;
        if (core.s.cusd === 1) core.host.urc(['+CUSD: 4']);
      }
    },
  );
  return OK;
}

/**
 * AT+QTONEDET=<enable> (Quectel) and AT+DDET=<mode>[,<interval>[,<reportMode>[,<ssdet>]]] (SIMCom): only
 * the first field is modelled; the rest (SIMCom's report options) is accepted and ignored.
 */
function dtmfDetection(core: ModemCore, c: ExtendedCommand, testLine: string, name: string, ranges: readonly [number, number][]): Outcome {
  if (c.op === 'test') return info(testLine);
  if (c.op === 'read') return info(`${name}: ${core.s.dtmfDetect ? 1 : 0}`);
  if (c.op !== 'set' || argInt(c, 0) === undefined || !intsIn(c, ranges)) return cme(4);
  core.s.dtmfDetect = argInt(c, 0) === 1;
  return OK;
}

/** AT+QPCMV=<enable>[,<port>]: port 0 (USB NMEA) works; 2 (UAC) is refused as on a module without UAC. */
function qpcmv(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+QPCMV: (0,1),(0-2)');
  if (c.op === 'read') return info(core.usbAudio.enabled ? `+QPCMV: 1,${core.usbAudio.port}` : '+QPCMV: 0');
  if (c.op !== 'set') return ERROR;
  const enable = argInt(c, 0);
  const port = argInt(c, 1) ?? 0;
  if (enable === 0) {
    core.usbAudio = { enabled: false, port: 0 };
    return OK;
  }
  if (enable !== 1 || port !== 0) return ERROR;
  core.usbAudio = { enabled: true, port };
  return OK;
}

/** AT+CPCMREG=<0|1>: 1 only while a call is connected (fixtures/simcom/sim7600/usb-audio-no-call.txt). */
function cpcmreg(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+CPCMREG: (0-1)');
  if (c.op === 'read') return info(`+CPCMREG: ${core.usbAudio.enabled ? 1 : 0}`);
  if (c.op !== 'set') return ERROR;
  const v = argInt(c, 0);
  if (v === 0) {
    core.usbAudio = { enabled: false, port: 0 };
    return OK;
  }
  if (v !== 1 || core.calls.call?.state !== 'active') return ERROR;
  core.usbAudio = { enabled: true, port: 0 };
  return OK;
}

/**
 * AT+VTS=<DTMF> (TS 27.007 §C.2.11): one key, sent to the other party of the active call (not a held
 * one). No active call: +CME ERROR: 3 (operation not allowed).
 */
function vts(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+VTS: (0-9,*,#,A,B,C,D)');
  const key = (argStr(c, 0) ?? '').trim().toUpperCase();
  if (c.op !== 'set' || c.args.length !== 1 || !/^[0-9*#A-D]$/.test(key)) return cme(4);
  const active = core.calls.sessions().find((s) => s.state === 'active' && !s.held);
  if (active === undefined) return cme(3);
  active.leg.sendDtmf(key);
  return OK;
}
