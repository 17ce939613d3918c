/** Pure parsers of TS 27.005 message service replies and URCs in PDU mode. */
import type { StoredSms } from '../types.js';
import { bad, infoParams, ok, paramInt, paramStr, type ParseResult } from './parse-params.js';
// ---------------------------------------------------------------------------------------------------------
// SMS (TS 27.005, PDU mode)

/** `+CMTI: <mem>,<index>` and `+CDSI: <mem>,<index>` (TS 27.005 §3.4.1). */
export function parseMemIndex(line: string, prefix: '+CMTI:' | '+CDSI:' | string): ParseResult<{ mem: string; index: number }> {
  const p = infoParams(line, prefix);
  if (!p) return bad(prefix, line, `not a ${prefix} line`);
  const mem = paramStr(p[0]);
  const index = paramInt(p[1]);
  if (!mem || index === undefined || index < 0) return bad(prefix, line, 'needs <mem>,<index>');
  return ok({ mem, index });
}

/** `+CMT: [<alpha>],<length>` header of a directly routed SMS-DELIVER (TS 27.005 §3.4.1, PDU mode). */
export function parseCmtHeader(line: string): ParseResult<{ alpha: string | null; length: number }> {
  const p = infoParams(line, '+CMT:');
  if (!p) return bad('+CMT', line, 'not a +CMT line');
  const length = paramInt(p.length >= 2 ? p[1] : p[0]);
  if (length === undefined || length <= 0) return bad('+CMT', line, 'no TPDU <length>');
  return ok({ alpha: p.length >= 2 ? paramStr(p[0]) || null : null, length });
}

/** `+CDS: <length>` header of a directly routed SMS-STATUS-REPORT (TS 27.005 §3.4.1, PDU mode). */
export function parseCdsHeader(line: string): ParseResult<{ length: number }> {
  const p = infoParams(line, '+CDS:');
  if (!p) return bad('+CDS', line, 'not a +CDS line');
  const length = paramInt(p[0]);
  if (length === undefined || length <= 0 || p.length !== 1) return bad('+CDS', line, 'expected PDU-mode `+CDS: <length>`');
  return ok({ length });
}

/** `+CMGR: <stat>,[<alpha>],<length>` (TS 27.005 §3.4.3, PDU mode). */
export function parseCmgrHeader(line: string): ParseResult<{ stat: number; alpha: string | null; length: number }> {
  const p = infoParams(line, '+CMGR:');
  if (!p) return bad('+CMGR', line, 'not a +CMGR line');
  const stat = paramInt(p[0]);
  const length = paramInt(p[2]);
  if (stat === undefined || length === undefined) return bad('+CMGR', line, 'expected PDU-mode `<stat>,[<alpha>],<length>`');
  return ok({ stat, alpha: paramStr(p[1]) || null, length });
}

/** `+CMGL: <index>,<stat>,[<alpha>],<length>` (TS 27.005 §3.4.2, PDU mode). */
export function parseCmglHeader(line: string): ParseResult<{ index: number; stat: number; alpha: string | null; length: number }> {
  const p = infoParams(line, '+CMGL:');
  if (!p) return bad('+CMGL', line, 'not a +CMGL line');
  const index = paramInt(p[0]);
  const stat = paramInt(p[1]);
  const length = paramInt(p[3]);
  if (index === undefined || stat === undefined || length === undefined) {
    return bad('+CMGL', line, 'expected PDU-mode `<index>,<stat>,[<alpha>],<length>`');
  }
  return ok({ index, stat, alpha: paramStr(p[2]) || null, length });
}

/** A PDU body line: hex octets, at least the <length> TPDU octets announced by its header. */
export function checkPdu(pdu: string | undefined, length: number): ParseResult<string> {
  if (pdu === undefined) return { ok: false, error: `PDU body missing (header announced ${length} TPDU octets)` };
  const s = pdu.trim();
  if (!/^([0-9A-Fa-f]{2})+$/.test(s)) return bad('PDU', pdu, 'not hex octets');
  if (s.length / 2 < length) return bad('PDU', pdu, `shorter than the ${length} TPDU octets announced`);
  return ok(s.toUpperCase());
}

/** The reply lines of AT+CMGR=<index>: header then PDU. */
export function parseCmgr(lines: readonly string[], index: number): ParseResult<StoredSms> {
  const i = lines.findIndex((l) => l.startsWith('+CMGR:'));
  if (i < 0) return { ok: false, error: `+CMGR: no header in reply (${lines.length} lines)` };
  const h = parseCmgrHeader(lines[i]!);
  if (!h.ok) return h;
  const pdu = checkPdu(lines[i + 1], h.value.length);
  if (!pdu.ok) return pdu;
  return ok({ index, stat: h.value.stat, pdu: pdu.value });
}

/**
 * The reply lines of AT+CMGL: header/PDU pairs. Entries with a broken header or PDU are left out and
 * reported in `errors`, so one damaged slot does not hide the others.
 */
export function parseCmgl(lines: readonly string[]): { messages: StoredSms[]; errors: string[] } {
  const messages: StoredSms[] = [];
  const errors: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('+CMGL:')) {
      errors.push(`+CMGL: unexpected line ${JSON.stringify(line)}`);
      continue;
    }
    const h = parseCmglHeader(line);
    const body = lines[i + 1];
    const hasBody = body !== undefined && !body.startsWith('+CMGL:');
    if (hasBody) i++;
    if (!h.ok) {
      errors.push(h.error);
      continue;
    }
    const pdu = checkPdu(hasBody ? body : undefined, h.value.length);
    if (!pdu.ok) {
      errors.push(`+CMGL index ${h.value.index}: ${pdu.error}`);
      continue;
    }
    messages.push({ index: h.value.index, stat: h.value.stat, pdu: pdu.value });
  }
  return { messages, errors };
}

/** `+CMGS: <mr>[,<ackpdu>]` (TS 27.005 §3.5.1): the TP-Message-Reference 0..255. */
export function parseCmgs(line: string): ParseResult<number> {
  const p = infoParams(line, '+CMGS:');
  if (!p) return bad('+CMGS', line, 'not a +CMGS line');
  const mr = paramInt(p[0]);
  if (mr === undefined || mr < 0 || mr > 255) return bad('+CMGS', line, 'no <mr> in 0..255');
  return ok(mr);
}

export interface CpmsMemory {
  mem: string | null;
  used: number;
  total: number;
}

/**
 * +CPMS (TS 27.005 §3.2.2): the read form `+CPMS: <mem1>,<used1>,<total1>,<mem2>,...` or the set form
 * `+CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>` (mem null).
 */
export function parseCpms(line: string): ParseResult<CpmsMemory[]> {
  const p = infoParams(line, '+CPMS:');
  if (!p) return bad('+CPMS', line, 'not a +CPMS line');
  const out: CpmsMemory[] = [];
  const named = typeof p[0] === 'string';
  const step = named ? 3 : 2;
  for (let i = 0; i + step <= p.length; i += step) {
    const used = paramInt(p[i + step - 2]);
    const total = paramInt(p[i + step - 1]);
    if (used === undefined || total === undefined) return bad('+CPMS', line, 'non-numeric <used>/<total>');
    out.push({ mem: named ? paramStr(p[i]) ?? null : null, used, total });
  }
  if (out.length === 0 || p.length % step !== 0) return bad('+CPMS', line, 'incomplete memory triples/pairs');
  return ok(out);
}

/**
 * `+CPMS: (<mem1>s),(<mem2>s),(<mem3>s)`, the test form of +CPMS (TS 27.005 §3.2.2): the memories each
 * parameter accepts, upper-cased, e.g. `[["SM","ME","MT","SR"],["SM","ME","MT"],["SM","ME","MT"]]`.
 */
export function parseCpmsTest(line: string): ParseResult<string[][]> {
  const p = infoParams(line, '+CPMS:');
  if (!p) return bad('+CPMS', line, 'not a +CPMS line');
  const out: string[][] = [];
  for (const g of p) {
    if (typeof g !== 'string' || !/^\(.*\)$/.test(g)) return bad('+CPMS', line, 'expected parenthesised lists of memories');
    const mems = g
      .slice(1, -1)
      .split(',')
      .map((m) => m.trim().replace(/^"(.*)"$/, '$1').toUpperCase())
      .filter((m) => m !== '');
    if (!mems.every((m) => /^[A-Z]{2}$/.test(m))) return bad('+CPMS', line, 'a memory name is not two letters');
    out.push(mems);
  }
  if (out.length === 0 || out[0]!.length === 0) return bad('+CPMS', line, 'no <mem1> list');
  return ok(out);
}
