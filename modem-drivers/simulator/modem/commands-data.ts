/**
 * Packet data and the modems' built-in HTTP clients, enough for cellgate's data connectivity check:
 *  - both dialects: +CGDCONT (TS 27.007 §10.1.1);
 *  - Quectel EC25 (EC2x TCP/IP and HTTP(S) AT manuals): AT+QICSGP, AT+QIACT / AT+QIACT?, AT+QIDEACT,
 *    AT+QHTTPCFG, AT+QHTTPURL=<len>,<timeout> (CONNECT, <len> bytes, OK), AT+QHTTPGET=<rsptime> (OK, then
 *    `+QHTTPGET: <err>[,<httprspcode>,<content_length>]`);
 *  - SIMCom SIM7600 (SIM7500_SIM7600 HTTP(S) application note): AT+HTTPINIT, AT+HTTPPARA, AT+HTTPACTION=0
 *    (OK, then `+HTTPACTION: 0,<status>,<datalen>`), AT+HTTPTERM.
 * The GET is real but reaches loopback addresses only (packet-data.ts). Errors use the vendors' codes:
 * Quectel 714 DNS error, 716 socket connect error, 702 timeout, 709 network deactivated; SIMCom 713 get DNS
 * failed, 714 connect socket failed, 705 timeout, 717 no network. Not registered: AT+QIACT and AT+HTTPINIT
 * answer ERROR (the PDP context cannot be activated). Which code a real module gives for an URL input
 * timeout (702 here) and for a GET on a deactivated context (709 here) is a guess.
 */
import { argInt, argStr, type ExtendedCommand, type Handler } from './command-args.js';
import type { ModemCore } from './modem-core.js';
import { QUECTEL_HTTP, SIMCOM_HTTP } from './error-table.js';
import { cme, ERROR, info, OK, type Outcome } from './outcome.js';
import { loopbackGet, type FetchResult, type PacketData } from './packet-data.js';

/** Quectel AT+QHTTPURL <URL_length> range. */
const QUECTEL_URL_MAX = 700;
/** SIMCom's longest HTTPACTION wait (the manual's max response time, 120 s). */
const SIMCOM_ACTION_MS = 120_000;

export const dataCommands: Handler = (core, c) => {
  if (c.kind !== 'extended') return undefined;
  const quectel = core.profile.dialect === 'quectel-ec25';
  switch (c.name) {
    case '+CGDCONT':
      return cgdcont(core, c);
    case '+QICSGP':
      return quectel ? qicsgp(core, c) : undefined;
    case '+QIACT':
      return quectel ? qiact(core, c) : undefined;
    case '+QIDEACT': {
      if (!quectel) return undefined;
      if (c.op === 'test') return info('+QIDEACT: (1-16)');
      const cid = argInt(c, 0);
      if (c.op !== 'set' || cid === undefined || Number.isNaN(cid) || cid < 1 || cid > 16) return ERROR;
      const ctx = core.packet.context(cid);
      ctx.active = false;
      ctx.ip = null;
      return OK;
    }
    case '+QHTTPCFG':
      return quectel ? qhttpcfg(core, c) : undefined;
    case '+QHTTPURL':
      return quectel ? qhttpurl(core, c) : undefined;
    case '+QHTTPGET':
      return quectel ? qhttpget(core, c) : undefined;
    case '+HTTPINIT':
    case '+HTTPTERM':
    case '+HTTPPARA':
    case '+HTTPACTION':
      return quectel ? undefined : simcomHttp(core, c);
    default:
      return undefined;
  }
};

/** A context counts as active only while the modem is registered (a detach takes the bearer down). */
function activeContext(core: ModemCore, cid: number): boolean {
  const ctx = core.packet.contexts.get(cid);
  if (!ctx?.active) return false;
  if (!core.registered) {
    ctx.active = false;
    ctx.ip = null;
    return false;
  }
  return true;
}

/** 10.x.y.z derived from the IMEI and the context id. */
function addressFor(core: ModemCore, cid: number): string {
  let h = 0;
  for (const ch of core.imei) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `10.${(h >>> 16) & 0xff}.${(h >>> 8) & 0xff}.${((h + cid) & 0xfe) | 1}`;
}

/** AT+CGDCONT=<cid>[,<PDP_type>[,<APN>]] / AT+CGDCONT? (TS 27.007 §10.1.1). */
function cgdcont(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+CGDCONT: (1-16),"IP",,,(0-2),(0-4)', '+CGDCONT: (1-16),"IPV6",,,(0-2),(0-4)', '+CGDCONT: (1-16),"IPV4V6",,,(0-2),(0-4)');
  if (c.op === 'read') {
    const rows = [...core.packet.contexts.entries()].sort((a, b) => a[0] - b[0]).map(([cid, x]) => `+CGDCONT: ${cid},"${x.type}","${x.apn}","0.0.0.0",0,0`);
    return rows.length > 0 ? info(...rows) : OK;
  }
  if (c.op !== 'set') return ERROR;
  const cid = argInt(c, 0);
  if (cid === undefined || Number.isNaN(cid) || cid < 1 || cid > 16) return cme(4);
  if (c.args.length === 1) {
    core.packet.contexts.delete(cid);
    return OK;
  }
  const type = (argStr(c, 1) ?? 'IP').toUpperCase();
  if (!['IP', 'IPV6', 'IPV4V6'].includes(type)) return cme(4);
  const ctx = core.packet.context(cid);
  ctx.type = type;
  ctx.apn = argStr(c, 2) ?? '';
  return OK;
}

/** AT+QICSGP=<contextID>[,<context_type>,<APN>[,<username>,<password>[,<authentication>]]]. */
function qicsgp(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+QICSGP: (1-16),(1-3),<APN>,<username>,<password>,(0-3)');
  if (c.op !== 'set') return ERROR;
  const cid = argInt(c, 0);
  if (cid === undefined || Number.isNaN(cid) || cid < 1 || cid > 16) return ERROR;
  const ctx = core.packet.context(cid);
  const typeNum = (t: string) => (t === 'IPV6' ? 2 : t === 'IPV4V6' ? 3 : 1);
  if (c.args.length === 1) return info(`+QICSGP: ${typeNum(ctx.type)},"${ctx.apn}","","",0`);
  const type = argInt(c, 1);
  if (type === undefined || Number.isNaN(type) || type < 1 || type > 3) return ERROR;
  const auth = argInt(c, 5);
  if (auth !== undefined && (Number.isNaN(auth) || auth > 3)) return ERROR;
  ctx.type = type === 2 ? 'IPV6' : type === 3 ? 'IPV4V6' : 'IP';
  ctx.apn = argStr(c, 2) ?? '';
  return OK;
}

/** AT+QIACT=<contextID> activates; AT+QIACT? lists the active contexts. */
function qiact(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+QIACT: (1-16)');
  if (c.op === 'read') {
    const rows: string[] = [];
    for (const [cid, ctx] of [...core.packet.contexts.entries()].sort((a, b) => a[0] - b[0])) {
      if (activeContext(core, cid)) rows.push(`+QIACT: ${cid},1,${ctx.type === 'IPV6' ? 2 : ctx.type === 'IPV4V6' ? 3 : 1},"${ctx.ip}"`);
    }
    return rows.length > 0 ? info(...rows) : OK;
  }
  if (c.op !== 'set') return ERROR;
  const cid = argInt(c, 0);
  if (cid === undefined || Number.isNaN(cid) || cid < 1 || cid > 16) return ERROR;
  // No registration, no bearer: the TCP/IP manual's answer to a failed activation is ERROR.
  if (!core.registered) return ERROR;
  if (activeContext(core, cid)) return OK;
  const ctx = core.packet.context(cid);
  ctx.active = true;
  ctx.ip = addressFor(core, cid);
  return OK;
}

/** AT+QHTTPCFG="contextid"[,<id>]; other settings ("responseheader", "sslctxid", ...) are accepted. */
function qhttpcfg(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+QHTTPCFG: "contextid",(1-16)', '+QHTTPCFG: "requestheader",(0,1)', '+QHTTPCFG: "responseheader",(0,1)');
  if (c.op !== 'set') return ERROR;
  const name = (argStr(c, 0) ?? '').toLowerCase();
  if (name === 'contextid') {
    const id = argInt(c, 1);
    if (id === undefined) return info(`+QHTTPCFG: "contextid",${core.packet.httpContextId}`);
    if (Number.isNaN(id) || id < 1 || id > 16) return cme(QUECTEL_HTTP.invalidParameter);
    core.packet.httpContextId = id;
    return OK;
  }
  return name === '' ? cme(QUECTEL_HTTP.invalidParameter) : OK;
}

/** AT+QHTTPURL=<URL_length>[,<timeout>]: CONNECT, exactly <URL_length> bytes, then OK. */
function qhttpurl(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info(`+QHTTPURL: (1-${QUECTEL_URL_MAX}),(1-2048)`);
  if (c.op === 'read') return core.packet.httpUrl === null ? OK : info(`+QHTTPURL: ${core.packet.httpUrl}`);
  if (c.op !== 'set') return ERROR;
  const len = argInt(c, 0);
  const timeout = argInt(c, 1) ?? 60;
  if (len === undefined || Number.isNaN(len) || len < 1 || len > QUECTEL_URL_MAX) return cme(QUECTEL_HTTP.invalidParameter);
  if (Number.isNaN(timeout) || timeout < 1 || timeout > 2048) return cme(QUECTEL_HTTP.invalidParameter);
  if (core.packet.httpBusy) return cme(QUECTEL_HTTP.busy);
  const packet = core.packet;
  return {
    connect: {
      length: len,
      timeoutMs: timeout * 1000,
      data: (text) => {
        if (!isUrl(text)) return cme(QUECTEL_HTTP.urlError);
        packet.httpUrl = text;
        return OK;
      },
      timeout: () => cme(QUECTEL_HTTP.timeout),
    },
  };
}

/** AT+QHTTPGET=<rsptime>: OK now, `+QHTTPGET: ...` when the GET is done. */
function qhttpget(core: ModemCore, c: ExtendedCommand): Outcome {
  if (c.op === 'test') return info('+QHTTPGET: (1-65535),(1-2048),(1-65535)');
  if (c.op !== 'set' && c.op !== 'exec') return ERROR;
  const rsptime = c.op === 'set' ? argInt(c, 0) : 60;
  if (rsptime === undefined || Number.isNaN(rsptime) || rsptime < 1 || rsptime > 65535) return cme(QUECTEL_HTTP.invalidParameter);
  const packet = core.packet;
  if (packet.httpBusy) return cme(QUECTEL_HTTP.busy);
  const url = packet.httpUrl;
  if (url === null) return cme(QUECTEL_HTTP.emptyUrl);
  if (!activeContext(core, packet.httpContextId)) return { after: () => core.host.urc([`+QHTTPGET: ${QUECTEL_HTTP.networkDeactivated}`]) };
  packet.httpBusy = true;
  return {
    after: () => {
      void loopbackGet(url, rsptime * 1000).then((r) => {
        if (!live(core, packet)) return;
        packet.httpBusy = false;
        core.host.urc([quectelResult(r)]);
      });
    },
  };
}

function quectelResult(r: FetchResult): string {
  if (r.ok) return `+QHTTPGET: 0,${r.status},${r.bytes}`;
  const code =
    r.failure === 'dns'
      ? QUECTEL_HTTP.dnsError
      : r.failure === 'connect'
        ? QUECTEL_HTTP.socketConnectError
        : r.failure === 'timeout'
          ? QUECTEL_HTTP.timeout
          : QUECTEL_HTTP.unknown;
  return `+QHTTPGET: ${code}`;
}

/** SIMCom AT+HTTPINIT / AT+HTTPPARA / AT+HTTPACTION / AT+HTTPTERM. */
function simcomHttp(core: ModemCore, c: ExtendedCommand): Outcome {
  const packet = core.packet;
  switch (c.name) {
    case '+HTTPINIT':
      if (c.op === 'test') return OK;
      if (c.op !== 'exec') return ERROR;
      // Starting the service brings the bearer up: impossible without registration; a second INIT is refused.
      if (packet.httpInit || !core.registered) return ERROR;
      packet.httpInit = true;
      packet.httpUrl = null;
      {
        const ctx = packet.context(1);
        ctx.active = true;
        ctx.ip = addressFor(core, 1);
      }
      return OK;
    case '+HTTPTERM':
      if (c.op === 'test') return OK;
      if (c.op !== 'exec' || !packet.httpInit) return ERROR;
      packet.httpInit = false;
      packet.httpUrl = null;
      return OK;
    case '+HTTPPARA': {
      if (c.op === 'test') return OK;
      if (c.op === 'read') return info(`+HTTPPARA: "URL","${packet.httpUrl ?? ''}"`);
      if (c.op !== 'set' || !packet.httpInit) return ERROR;
      const tag = (argStr(c, 0) ?? '').toUpperCase();
      const value = argStr(c, 1);
      if (value === undefined) return ERROR;
      if (tag === 'URL') {
        if (!isUrl(value)) return ERROR;
        packet.httpUrl = value;
        return OK;
      }
      return ['CONNECTTO', 'RECVTO', 'CONTENT', 'ACCEPT', 'SSLCFG', 'USERDATA', 'READMODE'].includes(tag) ? OK : ERROR;
    }
    case '+HTTPACTION': {
      if (c.op === 'test') return info('+HTTPACTION: (0-4)');
      if (c.op !== 'set') return ERROR;
      const method = argInt(c, 0);
      // Only GET is simulated.
      if (method !== 0 || !packet.httpInit || packet.httpUrl === null || packet.httpBusy) return ERROR;
      const url = packet.httpUrl;
      if (!activeContext(core, 1)) return { after: () => core.host.urc([`+HTTPACTION: 0,${SIMCOM_HTTP.noNetwork},0`]) };
      packet.httpBusy = true;
      return {
        after: () => {
          void loopbackGet(url, SIMCOM_ACTION_MS).then((r) => {
            if (!live(core, packet)) return;
            packet.httpBusy = false;
            core.host.urc([simcomResult(r)]);
          });
        },
      };
    }
    default:
      return ERROR;
  }
}

function simcomResult(r: FetchResult): string {
  if (r.ok) return `+HTTPACTION: 0,${r.status},${r.bytes}`;
  const code =
    r.failure === 'dns'
      ? SIMCOM_HTTP.dnsFailed
      : r.failure === 'connect'
        ? SIMCOM_HTTP.connectFailed
        : r.failure === 'timeout'
          ? SIMCOM_HTTP.timeout
          : SIMCOM_HTTP.unknown;
  return `+HTTPACTION: 0,${code},0`;
}

/** The request still belongs to this power-on of this modem. */
function live(core: ModemCore, packet: PacketData): boolean {
  return core.powered && core.packet === packet;
}

/** Printable ASCII that parses as a URL (the WHATWG parser alone would drop a trailing CR or a tab). */
function isUrl(text: string): boolean {
  if (!/^[\x21-\x7e]+$/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}
