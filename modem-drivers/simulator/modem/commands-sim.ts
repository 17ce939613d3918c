/**
 * SIM commands: +CPIN (TS 27.007 §8.3) with PIN → PUK blocking, ICCID (vendor AT+QCCID / AT+CICCID and
 * the widespread AT+CCID / AT+ICCID), +CRSM READ BINARY of EF_ICCID (§8.18), +CIMI (§5.6), +CNUM (§7.1),
 * retry counters (Quectel AT+QPINC, SIMCom AT+SPIC), +CLCK "SC" query, the dual-SIM command (Quectel
 * AT+QDSIM, or the one a test gave the firmware).
 */
import { decodeString } from './charset.js';
import { argInt, argStr, type ExtendedCommand, type Handler } from './command-args.js';
import type { ModemCore } from './modem-core.js';
import { cme, ERROR, info, OK, type Outcome } from './outcome.js';

export const simCommands: Handler = (core, c) => {
  if (c.kind !== 'extended') return undefined;
  const test = c.op === 'test';
  const p = core.profile;
  if (c.name === core.host.dualSimCommand) return dualSim(core, c);
  switch (c.name) {
    case '+CPIN':
      return cpin(core, c);
    case '+QCCID':
    case '+CICCID':
    case '+CCID':
    case '+ICCID': {
      if (c.name !== p.iccidCommand && (c.name === '+QCCID' || c.name === '+CICCID')) return undefined;
      if (test) return OK;
      if (c.op !== 'exec' && c.op !== 'read') return ERROR;
      const rt = core.simRt;
      if (!rt) return cme(10);
      if (rt.dead) return cme(13);
      const prefix = c.name === p.iccidCommand ? p.iccidPrefix : `${c.name}:`;
      // EF_ICCID holds 20 BCD digits; a 19-digit ICCID ends with the filler F (fixtures/quectel/ec25/iccid.txt).
      const iccid = core.profile.dialect === 'quectel-ec25' && rt.card.iccid.length === 19 ? `${rt.card.iccid}F` : rt.card.iccid;
      return info(`${prefix} ${iccid}`);
    }
    case '+CRSM':
      return crsm(core, c);
    case '+CIMI':
      if (test) return OK;
      if (c.op !== 'exec') return ERROR;
      return simReady(core) ?? info(core.sim!.imsi);
    case '+CNUM': {
      if (test) return OK;
      if (c.op !== 'exec') return ERROR;
      const e = simReady(core);
      if (e) return e;
      const n = core.sim!.number;
      return n ? info(`+CNUM: "","${core.str(n)}",${n.startsWith('+') ? 145 : 129}`) : OK;
    }
    case '+QPINC':
      if (p.dialect !== 'quectel-ec25') return undefined;
      if (test) return info('+QPINC: ("SC","P2")');
      if (!core.simRt) return cme(10);
      if (c.op === 'read' || (c.op === 'set' && (argStr(c, 0) ?? '').toUpperCase() === 'SC')) {
        return info(`+QPINC: "SC",${core.simRt.pinTries},${core.simRt.pukTries}`);
      }
      return ERROR;
    case '+SPIC':
      if (p.dialect !== 'simcom-sim7600') return undefined;
      if (test) return OK;
      if (!core.simRt) return cme(10);
      return info(`+SPIC: ${core.simRt.pinTries},${core.simRt.pukTries},3,10`);
    case '+CLCK': {
      if (test) return info('+CLCK: ("SC","AO","OI","OX","AI","IR","AB","AG","AC","FD","PN")');
      if (c.op !== 'set') return ERROR;
      const fac = (argStr(c, 0) ?? '').toUpperCase();
      if (fac !== 'SC' || argInt(c, 1) !== 2) return cme(4);
      const rt = core.simRt;
      if (!rt) return cme(10);
      return info(`+CLCK: ${rt.pin === null ? 0 : 1}`);
    }
    default:
      return undefined;
  }
};

/** Dual-SIM switch as Quectel's AT+QDSIM: 0 selects the holder of slot A, 1 slot B (modem-drivers/sim-switch). */
function dualSim(core: ModemCore, c: ExtendedCommand): Outcome {
  const name = c.name;
  if (c.op === 'test') return info(`${name}: (0,1)`);
  if (c.op === 'read') return info(`${name}: ${core.host.slot === 'B' ? 1 : 0}`);
  const v = argInt(c, 0);
  if (c.op !== 'set' || (v !== 0 && v !== 1)) return cme(4);
  return { after: () => core.host.selectSlot(v === 0 ? 'A' : 'B') };
}

/** +CME ERROR for a command that needs the SIM unlocked, else undefined. */
export function simReady(core: ModemCore): Outcome | undefined {
  const e = core.simError();
  return e === null ? undefined : cme(e);
}

function cpin(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return OK;
  const st = core.pinState();
  if (c.op === 'read') {
    if (st === 'NOT INSERTED') return cme(10);
    if (st === 'SIM FAILURE') return cme(13);
    return info(`+CPIN: ${st}`);
  }
  if (c.op !== 'set') return ERROR;
  const rt = core.simRt;
  if (!rt) return cme(10);
  if (rt.dead) return cme(13);
  const a = decodeString(argStr(c, 0) ?? '', 'IRA') ?? '';
  const b = argStr(c, 1);
  if (st === 'READY') return cme(3);
  if (st === 'SIM PIN') {
    if (b !== undefined) return cme(3);
    if (a === rt.pin) {
      rt.pinTries = 3;
      core.pinVerified = true;
      return { after: () => core.simUnlocked() };
    }
    rt.pinTries--;
    return { final: { kind: 'CME', code: 16 }, after: rt.pinBlocked ? () => core.host.urc(['+CPIN: SIM PUK']) : undefined };
  }
  // SIM PUK: +CPIN="<puk>","<newpin>" (TS 27.007 §8.3)
  if (b === undefined) return cme(12);
  if (!/^\d{4,8}$/.test(b)) return cme(16);
  if (a === rt.card.puk) {
    rt.pin = b;
    rt.pinTries = 3;
    rt.pukTries = 10;
    core.pinVerified = true;
    return { after: () => core.simUnlocked() };
  }
  rt.pukTries--;
  return rt.dead ? cme(13) : cme(16);
}

/** +CRSM=176,12258,0,0,10: READ BINARY of EF_ICCID (2FE2), swapped-nibble BCD; other files: 6A82 not found. */
function crsm(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return OK;
  if (c.op !== 'set') return ERROR;
  const rt = core.simRt;
  if (!rt) return cme(10);
  if (argInt(c, 0) !== 176 || argInt(c, 1) !== 12258) return info('+CRSM: 106,130,""');
  const digits = rt.card.iccid.padEnd(20, 'F');
  let swapped = '';
  for (let i = 0; i < 20; i += 2) swapped += digits[i + 1]! + digits[i]!;
  return info(`+CRSM: 144,0,"${swapped}"`);
}
