/**
 * V.250 basic commands and S-parameters, identification (TS 27.007 §5), error reporting (+CMEE §9.1),
 * character set (+CSCS §5.5), functionality (+CFUN §8.2) and the vendors' IMEI write commands.
 */
import { isCharset, CHARSETS } from './charset.js';
import { argInt, argStr, intsIn, type Handler } from './command-args.js';
import { defaultSettings } from './modem-core.js';
import { cme, ERROR, info, OK, type Outcome } from './outcome.js';

export const basicCommands: Handler = (core, c) => {
  const p = core.profile;
  if (c.kind === 'basic') {
    const v = c.value ?? 0;
    switch (c.name) {
      case 'E': // V.250 §6.2.4
        if (v > 1) return ERROR;
        core.s.echo = v === 1;
        return OK;
      case 'V': // §6.2.6
        if (v > 1) return ERROR;
        core.s.verbose = v === 1;
        return OK;
      case 'Q': // §6.2.5
        if (v > 1) return ERROR;
        core.s.quiet = v === 1;
        return OK;
      case 'Z': // §6.1.1
      case '&F': // §6.1.2
        core.s = defaultSettings(p);
        return OK;
      case 'I': // §6.1.3
        return v === 0 ? { info: [p.ati(core.imei)] } : ERROR;
      case '&W':
      case '&C':
      case '&D':
      case 'X':
      case 'L':
      case 'M':
        return OK;
      case '&V':
        return info(`E: ${core.s.echo ? 1 : 0}`, `Q: ${core.s.quiet ? 1 : 0}`, `V: ${core.s.verbose ? 1 : 0}`, `+CMEE: ${core.s.cmee}`);
      default:
        return undefined;
    }
  }
  if (c.kind === 's-param') {
    // V.250 §5.3.2: the read form answers three decimal digits.
    if (c.op === 'read') return info(String(core.s.sregs.get(c.index) ?? 0).padStart(3, '0'));
    const v = c.value ?? 0;
    if (v > 255 || !core.s.sregs.has(c.index)) return ERROR;
    core.s.sregs.set(c.index, v);
    return OK;
  }
  if (c.kind !== 'extended') return undefined;
  const test = c.op === 'test';
  switch (c.name) {
    case '+CGMI':
    case '+GMI':
      return test ? OK : c.op === 'exec' ? info(p.manufacturer) : ERROR;
    case '+CGMM':
    case '+GMM':
      return test ? OK : c.op === 'exec' ? info(p.model) : ERROR;
    case '+CGMR':
    case '+GMR':
      return test ? OK : c.op === 'exec' ? info(p.cgmrPrefix + p.revision) : ERROR;
    case '+CGSN':
    case '+GSN':
      // TS 27.007 §5.4: bare IMEI; AT+CGSN=1 answers +CGSN: "<imei>".
      if (test) return c.name === '+CGSN' ? info('+CGSN: (0-3)') : OK;
      if (c.op === 'exec') return info(core.imei);
      if (c.op === 'set' && c.name === '+CGSN' && argInt(c, 0) === 1) return info(`+CGSN: "${core.imei}"`);
      if (c.op === 'set' && c.name === '+CGSN' && argInt(c, 0) === 0) return info(core.imei);
      return ERROR;
    case '+GCAP':
      return c.op === 'exec' ? info('+GCAP: +CGSM') : test ? OK : ERROR;
    case '+CMEE':
      if (test) return info('+CMEE: (0-2)');
      if (c.op === 'read') return info(`+CMEE: ${core.s.cmee}`);
      if (c.op === 'exec') {
        core.s.cmee = 0;
        return OK;
      }
      if (!intsIn(c, [[0, 2]])) return ERROR;
      core.s.cmee = (argInt(c, 0) ?? 0) as 0 | 1 | 2;
      return OK;
    case '+CSCS': {
      if (test) return info(`+CSCS: (${CHARSETS.map((x) => `"${x}"`).join(',')})`);
      if (c.op === 'read') return info(`+CSCS: "${core.s.cscs}"`);
      const v = (argStr(c, 0) ?? '').toUpperCase();
      if (c.op !== 'set' || !isCharset(v)) return cme(4);
      core.s.cscs = v;
      return OK;
    }
    case '+CFUN':
      return cfun(core, c);
    case '+IFC': // V.250 §6.2.12 flow control: accepted, nothing to do on a virtual port
    case '+ICF':
    case '+IPR':
      if (test) return info(c.name === '+IFC' ? '+IFC: (0-2),(0-2)' : c.name === '+ICF' ? '+ICF: (1-6),(0-3)' : '+IPR: (),(0,300,600,1200,2400,4800,9600,19200,38400,57600,115200,230400,460800,921600)');
      if (c.op === 'read') return info(c.name === '+IFC' ? '+IFC: 0,0' : c.name === '+ICF' ? '+ICF: 3,3' : '+IPR: 115200');
      return OK;
    case '+CHUP':
      return test ? OK : undefined;
    case '+EGMR':
      return p.imeiWrite === 'egmr' ? egmr(core, c) : undefined;
    case '+SIMEI':
      if (p.imeiWrite !== 'simei') return undefined;
      if (test) return OK;
      if (c.op === 'read') return info(`+SIMEI: ${core.imei}`);
      if (c.op === 'set') return writeImei(core, argStr(c, 0));
      return ERROR;
    default:
      return undefined;
  }
};

/** +CFUN=<fun>[,<rst>] (TS 27.007 §8.2): 0 minimum, 1 full, 4 flight mode; <rst>=1 restarts. */
function cfun(core: Parameters<Handler>[0], c: Extract<Parameters<Handler>[1], { kind: 'extended' }>): Outcome {
  if (c.op === 'test') return info('+CFUN: (0,1,4),(0-1)');
  if (c.op === 'read') return info(`+CFUN: ${core.fun}`);
  if (c.op !== 'set' || !intsIn(c, [[0, 4], [0, 1]])) return cme(4);
  const fun = argInt(c, 0) ?? 1;
  if (fun !== 0 && fun !== 1 && fun !== 4) return cme(4);
  if (argInt(c, 1) === 1) {
    if (fun !== 1) return cme(4);
    return { after: () => core.host.reboot() };
  }
  core.fun = fun;
  core.updateAttachment();
  return OK;
}

/** AT+EGMR=1,7,"<imei>" writes, AT+EGMR=0,7 reads (+EGMR: "<imei>"), as on Quectel EC2x. */
function egmr(core: Parameters<Handler>[0], c: Extract<Parameters<Handler>[1], { kind: 'extended' }>): Outcome {
  if (c.op === 'test') return info('+EGMR: (0,1),(7)');
  if (c.op !== 'set' || argInt(c, 1) !== 7) return ERROR;
  const mode = argInt(c, 0);
  if (mode === 0) return info(`+EGMR: "${core.imei}"`);
  if (mode === 1) return writeImei(core, argStr(c, 2));
  return ERROR;
}

/** 15 digits; the network sees the new IMEI from the next attachment (after a restart). */
function writeImei(core: Parameters<Handler>[0], imei: string | undefined): Outcome {
  if (imei === undefined || !/^\d{15}$/.test(imei)) return ERROR;
  core.imei = imei;
  return OK;
}
