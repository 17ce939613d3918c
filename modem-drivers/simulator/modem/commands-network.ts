/**
 * Network commands: registration +CREG/+CGREG/+CEREG (TS 27.007 §7.2, §10.1.20, §10.1.22), operator
 * selection +COPS (§7.3), signal +CSQ (§8.5), IMS +CIREG (§8.71), and the vendor views of the serving
 * network: Quectel AT+QNWINFO, AT+QSPN, AT+QCFG="ims", AT+QINDCFG; SIMCom AT+CNSMOD?, AT+CPSI?.
 */
import { argInt, argStr, intsIn, type ExtendedCommand, type Handler } from './command-args.js';
import { COPS_SELECT_WAIT_MS, type ModemCore } from './modem-core.js';
import { cme, ERROR, info, OK, type Outcome } from './outcome.js';
import { simReady } from './commands-sim.js';

export const networkCommands: Handler = (core, c) => {
  if (c.kind !== 'extended') return undefined;
  const test = c.op === 'test';
  const quectel = core.profile.dialect === 'quectel-ec25';
  switch (c.name) {
    case '+CCLK': {
      // TS 27.007 §8.15. The clock follows the network's time (NITZ) once registered; before that it shows
      // the power-on default of the module's RTC. Zone: UTC+8 (+32 quarter hours), as the network sends.
      if (test) return OK;
      if (c.op !== 'read') return OK;
      if (!core.registered) return info('+CCLK: "80/01/06,00:00:10+00"');
      const local = new Date(core.clock.now() + 8 * 3600_000);
      const two = (n: number) => String(n).padStart(2, '0');
      const d = `${two(local.getUTCFullYear() % 100)}/${two(local.getUTCMonth() + 1)}/${two(local.getUTCDate())}`;
      const t = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
      return info(`+CCLK: "${d},${t}+32"`);
    }
    case '+CREG':
    case '+CGREG':
    case '+CEREG': {
      const d = c.name.slice(1).toLowerCase() as 'creg' | 'cgreg' | 'cereg';
      if (test) return info(`${c.name}: (0-2)`);
      if (c.op === 'read') return info(core.regLine(d, true));
      if (c.op === 'exec') {
        core.s[d] = 0;
        return OK;
      }
      if (!intsIn(c, [[0, 2]])) return cme(4);
      core.s[d] = (argInt(c, 0) ?? 0) as 0 | 1 | 2;
      return OK;
    }
    case '+COPS':
      return cops(core, c);
    case '+CSQ':
      if (test) return info('+CSQ: (0-31,99),(0-7,99)');
      if (c.op !== 'exec') return ERROR;
      return info(`+CSQ: ${core.attachment ? core.rssi : 99},99`);
    case '+CIREG': {
      if (test) return info('+CIREG: (0-2)');
      if (c.op === 'read') return info(`+CIREG: ${core.s.cireg},${volteReady(core) ? 1 : 0}`);
      if (c.op !== 'set' || !intsIn(c, [[0, 2]])) return cme(4);
      core.s.cireg = (argInt(c, 0) ?? 0) as 0 | 1 | 2;
      return OK;
    }
    case '+QNWINFO': {
      if (!quectel) return undefined;
      if (test) return OK;
      if (c.op !== 'exec') return ERROR;
      const plmn = core.attachment?.operator?.plmn;
      if (!core.registered || !plmn) return info('+QNWINFO: No Service');
      if (core.rat === '4G') return info(`+QNWINFO: "FDD LTE","${plmn}","LTE BAND 3",1650`);
      if (core.rat === '3G') return info(`+QNWINFO: "WCDMA","${plmn}","WCDMA 2100",10700`);
      return info(`+QNWINFO: "GSM","${plmn}","GSM 900",62`);
    }
    case '+QSPN': {
      // +QSPN: <FNN>,<SNN>,<SPN>,<alphabet>,<RPLMN>; alphabet 1 = UCS2 hex (under AT+CSCS="UCS2").
      if (!quectel) return undefined;
      if (test) return OK;
      if (c.op !== 'exec') return ERROR;
      const op = core.attachment?.operator;
      if (!core.registered || !op) return cme(30);
      const ucs2 = core.s.cscs === 'UCS2';
      return info(`+QSPN: "${core.str(op.longName)}","${core.str(op.shortName)}","",${ucs2 ? 1 : 0},"${op.plmn}"`);
    }
    case '+QCFG':
      return quectel ? qcfg(core, c) : undefined;
    case '+QINDCFG': {
      // AT+QINDCFG=<urctype>[,<enable>[,<savetonv>]]; <savetonv> is accepted and not kept (no NV here).
      if (!quectel) return undefined;
      if (test) return info('+QINDCFG: ("all","csq","smsfull","ring","smsincoming","act","ccinfo"),(0,1),(0,1)');
      if (c.op !== 'set') return ERROR;
      const what = (argStr(c, 0) ?? '').toLowerCase();
      const on = argInt(c, 1);
      const keys =
        what === 'all' ? (['csq', 'act', 'smsfull'] as const) : what === 'csq' || what === 'act' || what === 'smsfull' || what === 'ccinfo' ? ([what] as const) : null;
      if (keys === null && !['ring', 'smsincoming'].includes(what)) return cme(4);
      if (on === undefined) {
        const k = keys?.[0];
        return info(`+QINDCFG: "${what}",${k && core.s.qind[k] ? 1 : 0}`);
      }
      const nv = argInt(c, 2);
      if ((on !== 0 && on !== 1) || (nv !== undefined && nv !== 0 && nv !== 1)) return cme(4);
      for (const k of keys ?? []) core.s.qind[k] = on === 1;
      return OK;
    }
    case '+CNSMOD':
      if (quectel) return undefined;
      if (test) return info('+CNSMOD: (0-1)');
      if (c.op === 'set') return OK;
      if (c.op !== 'read') return ERROR;
      return info(`+CNSMOD: 0,${!core.registered ? 0 : core.rat === '4G' ? 8 : core.rat === '3G' ? 4 : 1}`);
    case '+CPSI':
      if (quectel) return undefined;
      if (test) return info('+CPSI: (0-255)');
      if (c.op === 'set') return OK;
      if (c.op !== 'read') return ERROR;
      return info(cpsi(core));
    default:
      return undefined;
  }
};

function volteReady(core: ModemCore): boolean {
  return core.registered && core.rat === '4G' && (core.attachment?.volte ?? false) && core.imsConfig !== 2;
}

/** +COPS: read (`+COPS: <mode>[,<format>,<oper>[,<AcT>]]`), format, automatic/manual selection, deregister. */
function cops(core: ModemCore, c: ExtendedCommand): Outcome | Promise<Outcome> {
  if (c.op === 'test') {
    const op = core.attachment?.operator;
    const act = core.act();
    const row = op && core.registered ? `(2,"${core.str(op.longName)}","${core.str(op.shortName)}","${op.plmn}"${act !== null ? `,${act}` : ''})` : '';
    return info(`+COPS: ${row},,(0-4),(0-2)`);
  }
  if (c.op === 'read') {
    const op = core.attachment?.operator;
    if (!core.registered || !op) return info(`+COPS: ${core.copsMode}`);
    const f = core.s.copsFormat;
    const name = f === 2 ? op.plmn : core.str(f === 0 ? op.longName : op.shortName);
    const act = core.act();
    return info(`+COPS: ${core.copsMode},${f},"${name}"${core.profile.copsAct && act !== null ? `,${act}` : ''}`);
  }
  if (c.op !== 'set') return ERROR;
  const mode = argInt(c, 0);
  const format = argInt(c, 1);
  if (format !== undefined && (Number.isNaN(format) || format > 2)) return cme(4);
  switch (mode) {
    case 3:
      if (format === undefined) return cme(4);
      core.s.copsFormat = format as 0 | 1 | 2;
      return OK;
    case 0: {
      core.copsMode = 0;
      core.manualPlmn = null;
      if (format !== undefined) core.s.copsFormat = format as 0 | 1 | 2;
      core.updateAttachment();
      core.attachment?.selectPlmn(null);
      return OK;
    }
    case 2:
      core.copsMode = 2;
      core.updateAttachment();
      return OK;
    case 1:
    case 4: {
      const e = simReady(core);
      if (e) return e;
      const oper = argStr(c, 2);
      if (oper === undefined || format !== 2 || !/^\d{5,6}$/.test(oper)) return cme(4);
      core.copsMode = 1;
      core.manualPlmn = oper;
      core.updateAttachment();
      const att = core.attachment;
      if (!att) return cme(30);
      if (core.registered && att.operator?.plmn === oper) return OK;
      att.selectPlmn(oper);
      const outcome = (): Outcome => {
        if (core.registered && core.attachment?.operator?.plmn === oper) return OK;
        if (mode === 4) {
          // manual/automatic: fall back to automatic selection
          core.copsMode = 0;
          core.manualPlmn = null;
          core.attachment?.selectPlmn(null);
          return OK;
        }
        return cme(30);
      };
      if ((core.registered && att.operator?.plmn === oper) || core.regState === 'denied') return outcome();
      // TS 27.007 §7.3: the command returns once the selection succeeded or failed.
      return core.waitRegistration(COPS_SELECT_WAIT_MS).then(outcome);
    }
    default:
      return cme(4);
  }
}

/** AT+QCFG settings other than "ims", per modem, as the host set them. */
const qcfgStore = new WeakMap<ModemCore, Map<string, string>>();

/** AT+QCFG="ims"[,<value>]: +QCFG: "ims",<value>,<VoLTE_state>; other settings are remembered as given. */
function qcfg(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+QCFG: "ims",(0-2)', '+QCFG: "nwscanmode",(0-3),(0,1)', '+QCFG: "usbcfg"');
  if (c.op !== 'set') return ERROR;
  const name = (argStr(c, 0) ?? '').toLowerCase();
  if (name === '') return cme(4);
  if (name === 'ims') {
    const v = argInt(c, 1);
    if (v === undefined) return info(`+QCFG: "ims",${core.imsConfig},${volteReady(core) ? 1 : 0}`);
    if (Number.isNaN(v) || v > 2) return cme(4);
    core.imsConfig = v;
    return OK;
  }
  let store = qcfgStore.get(core);
  if (!store) {
    store = new Map([
      ['nwscanmode', '0'],
      ['nwscanseq', '00'],
      ['band', '0x260,0x42000000000000381a,0x0'],
    ]);
    qcfgStore.set(core, store);
  }
  if (c.args.length <= 1) {
    const v = store.get(name);
    return v === undefined ? cme(4) : info(`+QCFG: "${name}",${v}`);
  }
  store.set(name, c.rawArgs.slice(c.rawArgs.indexOf(',') + 1).trim());
  return OK;
}

/** AT+CPSI? in the layouts of the SIM7600 manual. */
function cpsi(core: ModemCore): string {
  const op = core.attachment?.operator;
  if (core.fun !== 1) return '+CPSI: NO SERVICE,Low Power Mode';
  if (!core.registered || !op) return '+CPSI: NO SERVICE,Online';
  const mccMnc = `${op.plmn.slice(0, 3)}-${op.plmn.slice(3)}`;
  const cell = core.cell();
  const dbm = core.rssi <= 31 ? -113 + 2 * core.rssi : -113;
  if (core.rat === '4G') {
    // measurement fields (RSRQ, RSRP, RSSI, RSSNR) as in the manual's example: +CSQ carries the signal here
    return `+CPSI: LTE,Online,${mccMnc},0x${cell.lac},${parseInt(cell.ci, 16)},257,EUTRAN-BAND3,1825,5,5,-94,-850,-545,15`;
  }
  if (core.rat === '3G') return `+CPSI: WCDMA,Online,${mccMnc},0x${cell.lac},${parseInt(cell.ci, 16)},WCDMA IMT 2000,10700,${dbm},-7,50`;
  return `+CPSI: GSM,Online,${mccMnc},0x${cell.lac},${parseInt(cell.ci, 16) & 0xffff},62 EGSM 900,${dbm},0,40-40`;
}
