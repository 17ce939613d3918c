/**
 * SMS commands of 3GPP TS 27.005 in PDU mode: +CSMS (§3.2.1), +CPMS (§3.2.2), +CMGF (§3.2.3), +CSCA
 * (§3.3.1), +CNMI (§3.4.1), +CMGL (§3.4.2), +CMGR (§3.4.3), +CNMA (§3.4.4), +CMGS (§3.5.1), +CMSS (§3.5.2),
 * +CMGW (§3.5.3), +CMGD (§3.5.4).
 *
 * Text mode (+CMGF=1) is not simulated: AT+CMGF=1 answers +CMS ERROR: 303 (operation not supported), so
 * software that tries text mode first falls back to PDU mode, as it must on modems without text mode.
 */
import { decodeSmscAddress, hexToBytes, isHex, tryDecodePdu } from '../../../src/gsm/index.js';
import { decodeString } from './charset.js';
import { argInt, argStr, intsIn, type ExtendedCommand, type Handler } from './command-args.js';
import type { MemName, ModemCore } from './modem-core.js';
import { cms, ERROR, info, OK, type Outcome } from './outcome.js';
import type { MessageStat } from './sms-store.js';

const MEMS: readonly MemName[] = ['SM', 'ME', 'MT', 'SR'];

/** +CMS ERROR codes used here (TS 27.005 §3.2.5). */
const CMS = {
  notAllowed: 302,
  notSupported: 303,
  invalidPdu: 304,
  simNotInserted: 310,
  simPin: 311,
  simPuk: 316,
  simFailure: 313,
  invalidIndex: 321,
  memoryFull: 322,
  noNetwork: 331,
  noAck: 340,
  unknown: 500,
} as const;

export const smsCommands: Handler = (core, c) => {
  if (c.kind !== 'extended') return undefined;
  const test = c.op === 'test';
  switch (c.name) {
    case '+CSMS':
      if (test) return info('+CSMS: (0,1)');
      if (c.op === 'read') return info(`+CSMS: ${core.s.csms},1,1,1`);
      if (c.op !== 'set' || !intsIn(c, [[0, 1]])) return cms(CMS.notSupported);
      core.s.csms = (argInt(c, 0) ?? 0) as 0 | 1;
      return info('+CSMS: 1,1,1');
    case '+CMGF':
      if (test) return info('+CMGF: (0,1)');
      if (c.op === 'read') return info(`+CMGF: ${core.s.cmgf}`);
      if (c.op === 'exec' || argInt(c, 0) === 0) {
        core.s.cmgf = 0;
        return OK;
      }
      return argInt(c, 0) === 1 ? cms(CMS.notSupported) : ERROR;
    case '+CSDH':
    case '+CSMP':
      // Text-mode parameters: accepted and remembered by nobody (PDU mode carries its own).
      return test ? OK : c.op === 'read' ? info(c.name === '+CSDH' ? '+CSDH: 0' : '+CSMP: 17,167,0,0') : OK;
    case '+CSCA': {
      if (test) return OK;
      const e = smsSimError(core);
      if (e) return e;
      const rt = core.simRt!;
      if (c.op === 'read') return info(`+CSCA: "${core.str(rt.smsc)}",${rt.smsc.startsWith('+') ? 145 : 129}`);
      if (c.op !== 'set') return ERROR;
      const sca = decodeString(argStr(c, 0) ?? '', core.s.cscs);
      if (sca === undefined || !/^\+?[0-9*#]{0,20}$/.test(sca)) return cms(CMS.notAllowed);
      const tosca = argInt(c, 1);
      rt.smsc = tosca === 145 && !sca.startsWith('+') && sca !== '' ? `+${sca}` : sca;
      return OK;
    }
    case '+CPMS':
      return cpms(core, c);
    case '+CNMI': {
      if (test) return info('+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)');
      if (c.op === 'read') return info(`+CNMI: ${core.s.cnmi.join(',')}`);
      if (c.op !== 'set' || !intsIn(c, [[0, 3], [0, 3], [0, 3], [0, 2], [0, 1]])) return cms(CMS.notSupported);
      const v = [0, 1, 2, 3, 4].map((i) => argInt(c, i) ?? core.s.cnmi[i]!) as [number, number, number, number, number];
      core.s.cnmi = v;
      return { after: () => core.smsIn.cnmiChanged() };
    }
    case '+CNMA':
      if (test) return info('+CNMA: (0-2)');
      if (c.op === 'read') return ERROR;
      return core.smsIn.acknowledge() ? OK : cms(CMS.noAck);
    case '+CMGS':
      return cmgs(core, c);
    case '+CMGW':
      return cmgw(core, c);
    case '+CMSS':
      return cmss(core, c);
    case '+CMGR':
      return cmgr(core, c);
    case '+CMGL':
      return cmgl(core, c);
    case '+CMGD':
      return cmgd(core, c);
    default:
      return undefined;
  }
};

/** +CMS ERROR for SMS commands without a usable SIM. */
function smsSimError(core: ModemCore): Outcome | undefined {
  switch (core.pinState()) {
    case 'READY':
      return undefined;
    case 'NOT INSERTED':
      return cms(CMS.simNotInserted);
    case 'SIM PIN':
      return cms(CMS.simPin);
    case 'SIM PUK':
      return cms(CMS.simPuk);
    case 'SIM FAILURE':
      return cms(CMS.simFailure);
  }
}

function cpms(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+CPMS: ("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")');
  const e = smsSimError(core);
  if (e) return e;
  if (c.op === 'read') {
    return info(`+CPMS: ${core.s.cpms.map((m) => { const mem = core.smsIn.memory(m)!; return `"${m}",${mem.used},${mem.capacity}`; }).join(',')}`);
  }
  if (c.op !== 'set' || c.args.length === 0 || c.args.length > 3) return cms(CMS.notAllowed);
  const next = [...core.s.cpms] as [MemName, MemName, MemName];
  for (let i = 0; i < c.args.length; i++) {
    const v = argStr(c, i)?.toUpperCase();
    if (v === undefined) continue;
    if (!(MEMS as readonly string[]).includes(v) || (i > 0 && v === 'SR')) return cms(CMS.notAllowed);
    next[i] = v as MemName;
  }
  core.s.cpms = next;
  return info(`+CPMS: ${next.map((m) => { const mem = core.smsIn.memory(m)!; return `${mem.used},${mem.capacity}`; }).join(',')}`);
}

/** The outcome of a PDU typed at the prompt: the TPDU, the SMSC it names (or null), or an error. */
function readPdu(data: string, length: number): { tpdu: Uint8Array; sca: string | null } | Outcome {
  const hex = data.replace(/\s+/g, '');
  if (!isHex(hex)) return cms(CMS.invalidPdu);
  const bytes = hexToBytes(hex);
  const scaLen = 1 + bytes[0]!;
  // TS 27.005 §3.5.1: <length> counts the TPDU octets only (the SMSC field is not counted).
  if (bytes.length - scaLen !== length || length < 1) return cms(CMS.invalidPdu);
  const d = tryDecodePdu(hex, { withSmsc: true, direction: 'mo' });
  if (!d.ok || (d.pdu.type !== 'submit' && d.pdu.type !== 'command')) return cms(CMS.invalidPdu);
  let sca: string | null = null;
  try {
    const s = decodeSmscAddress(bytes).address;
    if (s) sca = s.number;
  } catch {
    return cms(CMS.invalidPdu);
  }
  return { tpdu: bytes.slice(scaLen), sca };
}

function isOutcome(x: unknown): x is Outcome {
  return typeof x === 'object' && x !== null && !('tpdu' in x);
}

/** Sends a TPDU through the network; the answer is +CMGS/+CMSS: <mr> once the network accepted it. */
async function submit(core: ModemCore, tpdu: Uint8Array, sca: string | null, prefix: '+CMGS' | '+CMSS'): Promise<Outcome> {
  const att = core.attachment;
  if (!att || !core.registered) return cms(CMS.noNetwork);
  const copy = tpdu.slice();
  // TS 23.040 §9.2.3.6: the MS numbers its submissions; the TE's TP-MR (usually 00) is replaced.
  if ((copy[0]! & 0x03) === 0x01 || (copy[0]! & 0x03) === 0x02) copy[1] = core.smsIn.nextMr();
  try {
    const r = await att.submitSms(copy, sca ?? core.simRt?.smsc ?? null);
    if (!r.ok) return cms(r.cause);
    return info(`${prefix}: ${r.mr}`);
  } catch (err) {
    core.log?.warn({ err }, 'simulated modem: network submitSms threw');
    return cms(CMS.unknown);
  }
}

function lengthArg(c: ExtendedCommand): number | undefined {
  const n = argInt(c, 0);
  return n === undefined || Number.isNaN(n) || n < 1 || n > 164 ? undefined : n;
}

function cmgs(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return OK;
  if (c.op !== 'set') return ERROR;
  const e = smsSimError(core);
  if (e) return e;
  const length = lengthArg(c);
  if (length === undefined) return cms(CMS.notAllowed);
  return {
    prompt: {
      data: (text) => {
        const p = readPdu(text, length);
        if (isOutcome(p)) return p;
        return submit(core, p.tpdu, p.sca, '+CMGS');
      },
      cancel: () => OK,
    },
  };
}

function cmgw(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return OK;
  if (c.op !== 'set') return ERROR;
  const e = smsSimError(core);
  if (e) return e;
  const length = lengthArg(c);
  const stat = argInt(c, 1) ?? 2;
  if (length === undefined || Number.isNaN(stat) || stat > 3) return cms(CMS.notAllowed);
  return {
    prompt: {
      data: (text) => {
        const p = readPdu(text, length);
        if (isOutcome(p)) return p;
        const mem = core.smsIn.memory(core.s.cpms[1])!;
        const hex = text.replace(/\s+/g, '').toUpperCase();
        const index = mem.add({ stat: stat as MessageStat, pdu: hex, length });
        return index < 0 ? cms(CMS.memoryFull) : info(`+CMGW: ${index}`);
      },
      cancel: () => OK,
    },
  };
}

function cmss(core: ModemCore, c: ExtendedCommand): Outcome | Promise<Outcome> {
  if (c.op === 'test') return OK;
  if (c.op !== 'set') return ERROR;
  const e = smsSimError(core);
  if (e) return e;
  const index = argInt(c, 0);
  const mem = core.smsIn.memory(core.s.cpms[1])!;
  const m = index === undefined || Number.isNaN(index) ? undefined : mem.get(index);
  if (!m) return cms(CMS.invalidIndex);
  const p = readPdu(m.pdu, m.length);
  if (isOutcome(p)) return p;
  return submit(core, p.tpdu, p.sca, '+CMSS').then((o) => {
    if (!o.final) m.stat = 3;
    return o;
  });
}

function cmgr(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return OK;
  if (c.op !== 'set') return ERROR;
  const e = smsSimError(core);
  if (e) return e;
  const index = argInt(c, 0);
  const mem = core.smsIn.memory(core.s.cpms[0])!;
  if (index === undefined || Number.isNaN(index) || !mem.inRange(index)) return cms(CMS.invalidIndex);
  const m = mem.get(index);
  if (!m) return cms(CMS.invalidIndex);
  // TS 27.005 §3.4.3: PDU mode `+CMGR: <stat>,[<alpha>],<length><CR><LF><pdu>`; reading marks it read.
  const out: Outcome = { info: [[`+CMGR: ${m.stat},,${m.length}`, m.pdu]] };
  if (m.stat === 0) m.stat = 1;
  return out;
}

function cmgl(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+CMGL: (0-4)');
  if (c.op === 'read') return ERROR;
  const e = smsSimError(core);
  if (e) return e;
  const stat = c.op === 'exec' ? 0 : argInt(c, 0);
  if (stat === undefined || Number.isNaN(stat) || stat > 4) return cms(CMS.notAllowed);
  const mem = core.smsIn.memory(core.s.cpms[0])!;
  const blocks: string[][] = [];
  for (const [i, m] of mem.entries()) {
    if (stat !== 4 && m.stat !== stat) continue;
    blocks.push([`+CMGL: ${i},${m.stat},,${m.length}`, m.pdu]);
    if (m.stat === 0) m.stat = 1;
  }
  return { info: blocks };
}

function cmgd(core: ModemCore, c: ExtendedCommand): Outcome {
  const e = smsSimError(core);
  if (e) return e;
  const mem = core.smsIn.memory(core.s.cpms[0])!;
  if (c.op === 'test') return info(`+CMGD: (${mem.entries().map(([i]) => i).join(',')}),(0-4)`);
  if (c.op !== 'set') return ERROR;
  const index = argInt(c, 0);
  const flag = argInt(c, 1) ?? 0;
  if (Number.isNaN(flag) || flag > 4 || (index !== undefined && Number.isNaN(index))) return cms(CMS.notAllowed);
  // OK first, then RP-SMMA if a refused SMS is owed one (TS 24.011 §7.3.2): the network's redelivery
  // (+CMTI) follows the deletion's answer.
  const freed: Outcome = { after: () => core.smsIn.memoryMayBeAvailable() };
  if (flag === 0) {
    if (index === undefined || !mem.inRange(index)) return cms(CMS.invalidIndex);
    mem.delete(index);
    return freed;
  }
  // <delflag> 1 read, 2 read+sent, 3 read+sent+unsent, 4 all (the index is ignored).
  const doomed: readonly number[] = flag === 1 ? [1] : flag === 2 ? [1, 3] : flag === 3 ? [1, 2, 3] : [0, 1, 2, 3];
  for (const [i, m] of mem.entries()) if (doomed.includes(m.stat)) mem.delete(i);
  return freed;
}

