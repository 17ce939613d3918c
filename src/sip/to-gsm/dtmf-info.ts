/**
 * The digit a SIP INFO carries for two-stage dialing (manual §4.6): `application/dtmf-relay`
 * (`Signal=5` and `Duration=160` lines, the form Cisco and most PBXes send) and `application/dtmf`
 * (the body is the digit). Some phones send events 10 and 11 for `*` and `#` (RFC 4733 §3.2 event
 * codes); they are read as such. Pure; never throws.
 */

export type DtmfInfoResult =
  | { readonly ok: true; readonly digit: string }
  | { readonly ok: false; readonly reason: 'not-dtmf' | 'no-signal' | 'bad-signal' };

const EVENT_CODES: Record<string, string> = { '10': '*', '11': '#', '12': 'A', '13': 'B', '14': 'C', '15': 'D' };

function digitOf(value: string): string | null {
  const v = value.trim().toUpperCase();
  if (/^[0-9*#A-D]$/.test(v)) return v;
  return EVENT_CODES[v] ?? null;
}

/** Reads one INFO body. `contentType` is the Content-Type header value (parameters ignored). */
export function readDtmfInfo(contentType: string | undefined, body: string): DtmfInfoResult {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/dtmf-relay') {
    const line = body.split(/\r?\n/).find((l) => /^\s*signal\s*=/i.test(l));
    if (line === undefined) return { ok: false, reason: 'no-signal' };
    const digit = digitOf(line.slice(line.indexOf('=') + 1));
    return digit === null ? { ok: false, reason: 'bad-signal' } : { ok: true, digit };
  }
  if (type === 'application/dtmf') {
    const digit = digitOf(body);
    return digit === null ? { ok: false, reason: 'bad-signal' } : { ok: true, digit };
  }
  return { ok: false, reason: 'not-dtmf' };
}
