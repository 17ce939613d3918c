/**
 * Joins the SIP → GSM calls to the daemon: the endpoint, the access check, the media, the lines, the
 * call service and the SIM policy. Settings are read from the configuration at each new INVITE, so a
 * configuration change applies to the next call.
 */
import type { CallService } from '../call/call-service.js';
import type { ConfigStore } from '../config/load.js';
import type { Line } from '../line/line.js';
import { parsePrefixList, type LinePrefixes } from '../routing/line-prefix.js';
import type { SipEndpoint } from '../sip/core/index.js';
import { callScopeOf } from '../sip/to-gsm/call-scope.js';
import { createSipToGsm, type Admit, type MediaSessions, type SipToGsm, type SipToGsmConfig } from '../sip/to-gsm/index.js';
import type { Logger } from '../util/log.js';

export interface SipToGsmWiringOptions {
  endpoint: SipEndpoint;
  admit: Admit;
  media: MediaSessions;
  config: ConfigStore;
  lines: () => readonly Line[];
  calls: CallService;
  policy: { mayCall(lineId: number): { ok: true } | { ok: false; reason: string } };
  /** Lines an extension of the embedded registrar may dial out through (undefined: no such extension). */
  extensionLines?: (user: string) => readonly number[] | 'all' | undefined;
  /** Minutes used this period per line, for `lineSelection: "least-minutes"`; absent: round robin. */
  minutesUsed?: (lineId: number) => number;
  /** A digit the SIP caller sent during a call (call waiting's mode 2). */
  digit?: (lineId: number, digit: string) => void;
  log: Logger;
}

/** The lines' prefix lists (`lines[].prefixes`; every line has an id, its position + 1 by default). */
function linePrefixes(config: ConfigStore): LinePrefixes[] {
  return config.get().lines.flatMap((line) => {
    const parsed = parsePrefixList(line.prefixes);
    return parsed.ok ? [{ line: line.id, prefixes: parsed.prefixes }] : [];
  });
}

export function wireSipToGsm(o: SipToGsmWiringOptions): SipToGsm {
  const config = (): SipToGsmConfig => {
    const sip = o.config.get().sip;
    return { calls: { ...sip.calls, dtmfToSip: sip.media.dtmf }, linePrefixes: linePrefixes(o.config) };
  };
  return createSipToGsm({
    endpoint: o.endpoint,
    admit: o.admit,
    media: o.media,
    lines: o.lines,
    calls: o.calls,
    mayCall: (lineId) => o.policy.mayCall(lineId),
    ...(o.minutesUsed ? { minutesUsed: o.minutesUsed } : {}),
    config,
    ...(o.digit ? { digit: o.digit } : {}),
    scope: (requestUser, who) => callScopeOf(o.config.get().sip, requestUser, who, (user) => o.extensionLines?.(user)),
    log: o.log.child({ component: 'sip-to-gsm' }),
  });
}
