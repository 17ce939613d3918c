/**
 * Telephone numbers as the simulated network routes them (pure functions).
 *
 * Every subscriber is known under an E.164 number "+<cc><nsn>". What a UE dials is brought to that
 * form with the caller's country code:
 *   "+8613800000001"  international                      → as is
 *   "008613800000001" international access prefix 00     → "+8613800000001"
 *   "01062345678"     national with trunk prefix 0       → "+861062345678"
 *   "13800000001"     national significant number (7+ digits, no trunk prefix, as Chinese mobile
 *                     numbers are dialled)               → "+8613800000001"
 *   "10086", "112"    short codes (at most 6 digits)     → kept as digits, no '+'
 * Spaces, dashes, dots and brackets are ignored. Anything else (letters, '*', '#', an empty string)
 * cannot be routed.
 */

/** Mobile country code (TS 23.003 §2.2) → ITU-T E.164 country code, for the MCCs a test is likely to use. */
const MCC_TO_CC: Readonly<Record<string, string>> = {
  '460': '86', // China
  '454': '852', // Hong Kong
  '455': '853', // Macao
  '466': '886', // Taiwan
  '440': '81', // Japan
  '450': '82', // South Korea
  '404': '91', // India
  '405': '91',
  '250': '7', // Russia
  '262': '49', // Germany
  '208': '33', // France
  '222': '39', // Italy
  '214': '34', // Spain
  '234': '44', // United Kingdom
  '235': '44',
  '204': '31', // Netherlands
  '302': '1', // Canada
  '310': '1', // United States
  '311': '1',
  '312': '1',
  '313': '1',
  '316': '1',
};

export function countryCodeForMcc(mcc: string, fallback: string): string {
  return MCC_TO_CC[mcc] ?? fallback;
}

/** Longest short code (operator services, emergency numbers). */
export const MAX_SHORT_CODE_DIGITS = 6;

export function compactNumber(raw: string): string {
  return raw.replace(/[\s\-.()]/g, '');
}

/** The routable form of `raw` for a caller in country `cc` (see the module comment), or undefined. */
export function normalizeNumber(raw: string, cc: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = compactNumber(raw);
  if (/^\+\d{1,15}$/.test(s)) return s;
  if (!/^\d+$/.test(s)) return undefined;
  if (s.startsWith('00') && s.length > MAX_SHORT_CODE_DIGITS) return `+${s.slice(2)}`;
  if (s.length <= MAX_SHORT_CODE_DIGITS) return s;
  if (s.startsWith('0')) return `+${cc}${s.slice(1)}`;
  return `+${cc}${s}`;
}

/**
 * Forms of `raw` to look up among subscribers, most likely first: the normalised form, then for
 * digits without '+' that already start with a country code (gateways often send "8613800000001")
 * the same digits read as international.
 */
export function lookupCandidates(raw: string, cc: string): string[] {
  const first = normalizeNumber(raw, cc);
  const out = first ? [first] : [];
  const s = typeof raw === 'string' ? compactNumber(raw) : '';
  if (/^\d{8,15}$/.test(s) && !s.startsWith('0') && `+${s}` !== first) out.push(`+${s}`);
  return out;
}

/**
 * The MSISDN the network holds for a SIM that does not store its own number: "+<cc>14" followed by
 * the last 9 digits of the IMSI (for +86, an 11-digit number in the 14x data-card range).
 */
export function derivedMsisdn(imsi: string, cc: string): string {
  const digits = imsi.replace(/\D/g, '');
  return `+${cc}14${digits.slice(-9).padStart(9, '0')}`;
}

/** The digits of a number ('+' and separators removed). */
export function digitsOf(number: string): string {
  return number.replace(/\D/g, '');
}

/**
 * A dial string as a UE passes it (ATD<string>;): the trailing ';' (voice call, V.250 §6.3.1) and
 * the CLIR prefixes of TS 22.030 Annex B removed ("#31#" withholds the caller's number for this call,
 * "*31#" presents it).
 */
export function parseDialString(raw: string): { number: string; withheld: boolean } {
  let s = typeof raw === 'string' ? raw.trim() : '';
  if (s.endsWith(';')) s = s.slice(0, -1);
  let withheld = false;
  if (s.startsWith('#31#')) {
    withheld = true;
    s = s.slice(4);
  } else if (s.startsWith('*31#')) {
    s = s.slice(4);
  }
  return { number: s, withheld };
}
