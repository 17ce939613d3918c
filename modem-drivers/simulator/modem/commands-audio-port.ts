/**
 * Settings of the PCM audio port (audio-port.ts) besides the vendors' on/off commands (commands-call.ts):
 *  - EC25 AT+QGPSCFG="outport"[,<"none"|"usbnmea"|"uartdebug">] (Quectel GNSS AT Commands Manual):
 *    where GNSS NMEA goes; "usbnmea", the power-on default, is the interface AT+QPCMV=1,0 puts audio on.
 *    Kept across restarts, as the manual says of QGPSCFG settings. Other QGPSCFG items answer ERROR.
 *  - SIM7600 AT+CPCMFRM=<0|1>: the USB PCM sample rate, 0 = 8 kHz, 1 = 16 kHz (SIMCom SIM7X00 audio
 *    application note; 640 bytes per 20 ms at 16 kHz as hosts driving it write). Back to 8 kHz at power-on
 *    (a guess: no source says whether it is saved).
 */
import { argInt, argStr, type Handler } from './command-args.js';
import { cme, ERROR, info, OK } from './outcome.js';

const OUTPORTS = new Set(['none', 'usbnmea', 'uartdebug']);

export const audioPortCommands: Handler = (core, c) => {
  if (c.kind !== 'extended') return undefined;
  if (c.name === '+QGPSCFG' && core.profile.pcm.gnssOnAudioPort) {
    if (c.op === 'test') return info('+QGPSCFG: "outport",("none","usbnmea","uartdebug")');
    if (c.op !== 'set') return ERROR;
    const item = (argStr(c, 0) ?? '').toLowerCase();
    if (item !== 'outport') return ERROR;
    const value = argStr(c, 1);
    if (value === undefined) return info(`+QGPSCFG: "outport","${core.audioPort.gnssOutport}"`);
    const v = value.toLowerCase();
    if (!OUTPORTS.has(v) || c.args.length > 2) return ERROR;
    core.audioPort.gnssOutport = v as typeof core.audioPort.gnssOutport;
    return OK;
  }
  if (c.name === '+CPCMFRM' && core.profile.pcm.rateCommand === '+CPCMFRM') {
    if (c.op === 'test') return info('+CPCMFRM: (0-1)');
    if (c.op === 'read') return info(`+CPCMFRM: ${core.audioPort.sampleRate === 16000 ? 1 : 0}`);
    const v = argInt(c, 0);
    if (c.op !== 'set' || (v !== 0 && v !== 1) || c.args.length > 1) return cme(4);
    core.audioPort.sampleRate = v === 1 ? 16000 : 8000;
    return OK;
  }
  return undefined;
};
