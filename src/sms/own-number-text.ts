/**
 * Learning a SIM's own number (manual §5.11 "获取电话号码"), when the SIM does not hold it (AT+CNUM,
 * 3GPP TS 27.007 §7.1, returns nothing):
 *
 * 1. and 2. A USSD or SMS query to the operator whose reply reads e.g. "尊敬的客户，您的号码是
 *    13912345678。": extractNumberAfterMarker(reply, "您的号码是") takes the number after the marker.
 * 3. A SIM of unknown number sends a discovery SMS to a line whose number is known; that line reads the
 *    sender's number from the SMS (the originating address, TS 23.040 §9.2.3.7) and learns which SIM sent
 *    it from the text. The manual says the text carries the SIM's ID encrypted ("包含加密的 SIM 卡 ID 信息").
 *
 * Discovery text: `CG#<ciphertext>.<t>.<tag>`, GSM 7-bit only and about 42 characters for a 20-digit
 * ICCID, so one SMS:
 *   - `t`: the sending time, unix seconds in base 36 (upper case);
 *   - `tag`: the first 8 bytes of HMAC-SHA256(Kmac, "cellgate-discovery-v1" 0x00 t 0x00 P), base32;
 *   - `ciphertext`: P XOR the first |P| bytes of HMAC-SHA256(Kenc, tag || t), base32 (RFC 4648, upper
 *     case, no padding);
 *   - P: one byte holding the ICCID's length, then its characters as 4-bit nibbles (ICCIDs are digits,
 *     sometimes with hex filler such as F), padded with a 0 nibble;
 *   - Kenc = HMAC-SHA256(secret, "cellgate-discovery-v1 enc"), Kmac = HMAC-SHA256(secret,
 *     "cellgate-discovery-v1 mac").
 * The ICCID is *encrypted*, not merely obfuscated: a synthetic-IV construction (the tag is the IV), so
 * without the secret the ciphertext is indistinguishable from random, and the same ICCID sent at another
 * second gives another text. The 64-bit tag authenticates ICCID and time: a forged or altered text, or
 * one made with another secret, is rejected, and a text older (or newer) than maxAgeSec is rejected as
 * stale, which limits replays.
 *
 * The token may be surrounded by text an operator adds (an advertisement, a signature): parse looks for
 * it as a separate word anywhere in the SMS.
 *
 * Pure: no I/O (HMAC via node:crypto); bad input returns null and never throws.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ExtractNumberOptions {
  /** Fewest digits a number may have (default 3). */
  minDigits?: number;
  /** Most digits a number may have (default 20; E.164 numbers have at most 15, plus national prefixes). */
  maxDigits?: number;
}

const FULLWIDTH = /[\uFF10-\uFF19\uFF0B]/gu;
const toAscii = (s: string): string =>
  s.replace(FULLWIDTH, (c) => (c === '\uFF0B' ? '+' : String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30)));

/**
 * The number that follows `marker` in an operator's reply: the first run of digits, with a `+` right
 * before it kept, after any blanks, punctuation and symbols (`：`, `"`, `【`, …). A letter or CJK
 * character before the digits means there is no number there. Full-width digits and `＋` count as
 * ASCII. When the marker appears several times, the first occurrence followed by a number wins.
 * An empty marker, or a run of digits outside minDigits..maxDigits, gives null.
 */
export function extractNumberAfterMarker(text: string, marker: string, opts: ExtractNumberOptions = {}): string | null {
  if (typeof text !== 'string' || typeof marker !== 'string' || marker === '') return null;
  const min = opts.minDigits ?? 3;
  const max = opts.maxDigits ?? 20;
  let from = 0;
  for (;;) {
    const at = text.indexOf(marker, from);
    if (at < 0) return null;
    const tail = toAscii(text.slice(at + marker.length));
    const m = /^[\s\p{P}\p{S}]*?(\+?)(\d+)/u.exec(tail);
    if (m && m[2]!.length >= min && m[2]!.length <= max) return m[1]! + m[2]!;
    from = at + marker.length;
  }
}

const DOMAIN = 'cellgate-discovery-v1';
const TAG_BYTES = 8;
const MAX_ICCID = 22;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buf = 0;
  let bits = 0;
  for (const b of bytes) {
    buf = (buf << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(buf >> (bits - 5)) & 31];
      bits -= 5;
    }
    buf &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(buf << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32 without padding; null when not canonical (stray characters, non-zero spare bits). */
function unbase32(text: string): Uint8Array | null {
  const out: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const ch of text) {
    const v = B32.indexOf(ch);
    if (v < 0) return null;
    buf = (buf << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((buf >> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buf &= (1 << bits) - 1;
  }
  if (bits >= 5 || buf !== 0) return null;
  return Uint8Array.from(out);
}

const hmac = (key: Uint8Array | string, ...parts: Array<Uint8Array | string>): Buffer => {
  const h = createHmac('sha256', typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  for (const p of parts) h.update(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
  return h.digest();
};

function keys(secret: string): { enc: Buffer; mac: Buffer } {
  return { enc: hmac(secret, `${DOMAIN} enc`), mac: hmac(secret, `${DOMAIN} mac`) };
}

function pack(iccid: string): Uint8Array {
  const out = new Uint8Array(1 + Math.ceil(iccid.length / 2));
  out[0] = iccid.length;
  for (let i = 0; i < iccid.length; i++) {
    const v = parseInt(iccid[i]!, 16);
    out[1 + (i >> 1)]! |= i % 2 === 0 ? v << 4 : v;
  }
  return out;
}

function unpack(p: Uint8Array): string | null {
  const len = p[0]!;
  if (len < 1 || len > MAX_ICCID || p.length !== 1 + Math.ceil(len / 2)) return null;
  let s = '';
  for (let i = 0; i < len; i++) {
    const b = p[1 + (i >> 1)]!;
    s += (i % 2 === 0 ? b >> 4 : b & 15).toString(16).toUpperCase();
  }
  if (len % 2 === 1 && (p[p.length - 1]! & 15) !== 0) return null;
  return s;
}

function tagOf(macKey: Buffer, t: string, packed: Uint8Array): Buffer {
  return hmac(macKey, DOMAIN, Uint8Array.of(0), t, Uint8Array.of(0), packed).subarray(0, TAG_BYTES);
}

function xorStream(encKey: Buffer, tag: Uint8Array, t: string, data: Uint8Array): Uint8Array {
  const ks = hmac(encKey, tag, t);
  return data.map((b, i) => b ^ ks[i]!);
}

/**
 * §5.11 method 3: the discovery SMS text for the SIM with this ICCID, signed and encrypted with the
 * gateway's secret. `nowMs`: milliseconds since the epoch. Null when the ICCID is not 1-22 hex digits
 * (blanks around it are ignored, letters are upper-cased) or the secret is empty.
 */
export function buildDiscoveryText(iccid: string, secret: string, nowMs: number): string | null {
  if (typeof iccid !== 'string' || typeof secret !== 'string' || secret === '') return null;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) return null;
  const id = iccid.trim().toUpperCase();
  if (!/^[0-9A-F]{1,22}$/u.test(id)) return null;
  const t = Math.floor(nowMs / 1000).toString(36).toUpperCase();
  const k = keys(secret);
  const packed = pack(id);
  const tag = tagOf(k.mac, t, packed);
  return `CG#${base32(xorStream(k.enc, tag, t, packed))}.${t}.${base32(tag)}`;
}

const TOKEN = /(?:^|\s)CG#([A-Za-z2-7]{2,24})\.([0-9A-Za-z]{1,10})\.([A-Za-z2-7]{13})(?=$|\s)/u;

/**
 * Reads a discovery text: the ICCID and the sending time (unix seconds), or null when there is no
 * token, the tag does not verify (forged, altered, other secret), or the sending time is more than
 * `maxAgeSec` away from `nowMs` (milliseconds since the epoch) in either direction.
 */
export function parseDiscoveryText(text: string, secret: string, nowMs: number, maxAgeSec: number): { iccid: string; sentAt: number } | null {
  if (typeof text !== 'string' || typeof secret !== 'string' || secret === '') return null;
  if (!Number.isFinite(nowMs) || !Number.isFinite(maxAgeSec) || maxAgeSec < 0) return null;
  const m = TOKEN.exec(text);
  if (!m) return null;
  const t = m[2]!.toUpperCase();
  if (t.length > 1 && t.startsWith('0')) return null; // canonical base 36 only
  const sentAt = parseInt(t, 36);
  if (!Number.isSafeInteger(sentAt) || Math.abs(nowMs / 1000 - sentAt) > maxAgeSec) return null;
  const cipher = unbase32(m[1]!.toUpperCase());
  const tag = unbase32(m[3]!.toUpperCase());
  if (!cipher || !tag || tag.length !== TAG_BYTES || cipher.length < 2) return null;
  const k = keys(secret);
  const packed = xorStream(k.enc, tag, t, cipher);
  if (!timingSafeEqual(tagOf(k.mac, t, packed), tag)) return null;
  const iccid = unpack(packed);
  return iccid === null ? null : { iccid, sentAt };
}
