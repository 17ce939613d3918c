/**
 * The vendors' gain and echo-canceller commands, so a host can tune call audio as on a real module:
 *  - EC25 (Quectel EC2x AT Commands Manual): AT+QMIC=<uplink gain 0-65535> (§12.10),
 *    AT+QRXGAIN=<downlink gain 0-65535> (§12.11), AT+QEEC=<index 0-50>,<value 0-65535> (§12.8).
 *  - SIM7600 (SIM7500/SIM7600 AT Command Manual): AT+CMICGAIN=<0-8>, AT+COUTGAIN=<0-8>,
 *    AT+CECM=<0-7> (echo canceller mode).
 * Values are kept for the read forms only: the simulated voice path does not change level with them.
 * Lost at power-on (the modem's own defaults come back).
 */
import { argInt, type Handler } from './command-args.js';
import { cme, info, OK } from './outcome.js';

/** name → [minimum, maximum] of its one value, per dialect's audio family. */
const QUECTEL: Record<string, readonly [number, number]> = { '+QMIC': [0, 65535], '+QRXGAIN': [0, 65535] };
const SIMCOM: Record<string, readonly [number, number]> = { '+CMICGAIN': [0, 8], '+COUTGAIN': [0, 8], '+CECM': [0, 7] };

export const audioTuningCommands: Handler = (core, c) => {
  if (c.kind !== 'extended') return undefined;
  const quectel = core.profile.audio === 'qpcmv';
  if (quectel && c.name === '+QEEC') {
    if (c.op === 'test') return info('+QEEC: (0-50),(0-65535)');
    const index = argInt(c, 0);
    if (c.op !== 'set' || index === undefined || !(index >= 0 && index <= 50)) return cme(4);
    const value = argInt(c, 1);
    if (value === undefined) return info(`+QEEC: ${index},${core.audioTuning.get(`+QEEC${index}`) ?? 0}`);
    if (!(value >= 0 && value <= 65535) || c.args.length > 2) return cme(4);
    core.audioTuning.set(`+QEEC${index}`, value);
    return OK;
  }
  const range = (quectel ? QUECTEL : SIMCOM)[c.name];
  if (range === undefined) return undefined;
  const [min, max] = range;
  if (c.op === 'test') return info(`${c.name}: (${min}-${max})`);
  if (c.op === 'read') return info(`${c.name}: ${core.audioTuning.get(c.name) ?? min}`);
  const value = argInt(c, 0);
  if (c.op !== 'set' || value === undefined || !(value >= min && value <= max) || c.args.length > 1) return cme(4);
  core.audioTuning.set(c.name, value);
  return OK;
};
