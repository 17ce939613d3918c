/**
 * Removes NMEA 0183 sentences from a PCM byte stream. Quectel's NMEA interface carries GNSS sentences as
 * well as call audio until AT+QGPSCFG="outport","none" takes effect (the driver's prepare() sends it, but
 * a module restarted mid-call, or firmware that ignores it, still interleaves them). A sentence of odd
 * length left in the stream would shift every later sample by one byte (loud noise for the rest of the
 * call), so each one is cut out whole.
 *
 * A sentence is recognised only when all of it checks: `$`, an address of 2–10 upper-case letters or
 * digits, fields of printable ASCII, `*`, two hex digits that equal the XOR of the characters between `$`
 * and `*` (NMEA 0183 §5.2.1 checksum), then CR LF, at most MAX_SENTENCE bytes in all. Random audio meets
 * all of that with negligible probability; audio that merely starts like a sentence is held back only
 * until a byte contradicts it (usually the next one or two) and then passed on unchanged.
 *
 * What it cannot repair: bytes lost or inserted by anything else (a partial sentence, a dropped USB
 * packet) shift the alignment; nothing in the audio itself says where a sample starts, so none is guessed.
 */

const DOLLAR = 0x24;
const STAR = 0x2a;
const CR = 0x0d;
const LF = 0x0a;
/** NMEA 0183 caps a sentence at 82 characters; vendors' proprietary ones run longer, so allow some room. */
export const MAX_SENTENCE = 128;

type Verdict = 'sentence' | 'not' | 'maybe';

const isAddressChar = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39);
const isPrintable = (b: number) => b >= 0x20 && b <= 0x7e;
const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

/** Whether `buf` from `start` (a `$`) holds a whole sentence (its length in `len`), cannot, or may yet. */
function judge(buf: Buffer, start: number): { v: Verdict; len: number } {
  let i = start + 1;
  let sum = 0;
  let address = 0;
  // address
  for (; i < buf.length && isAddressChar(buf[i]!); i++, address++) sum ^= buf[i]!;
  if (i === buf.length) return { v: address <= 10 ? 'maybe' : 'not', len: 0 };
  if (address < 2 || address > 10 || (buf[i] !== 0x2c && buf[i] !== STAR)) return { v: 'not', len: 0 };
  // fields
  for (; i < buf.length && buf[i] !== STAR; i++) {
    const b = buf[i]!;
    if (!isPrintable(b) || b === DOLLAR || i - start >= MAX_SENTENCE) return { v: 'not', len: 0 };
    sum ^= b;
  }
  if (i === buf.length) return { v: 'maybe', len: 0 };
  // `*`, two hex digits, CR LF: what has arrived of them must fit
  const want = [(b: number) => hexValue(b) >= 0, (b: number) => hexValue(b) >= 0, (b: number) => b === CR, (b: number) => b === LF];
  for (let k = 0; k < 4; k++) {
    const at = i + 1 + k;
    if (at >= buf.length) return { v: 'maybe', len: 0 };
    if (!want[k]!(buf[at]!)) return { v: 'not', len: 0 };
  }
  if (((hexValue(buf[i + 1]!) << 4) | hexValue(buf[i + 2]!)) !== sum) return { v: 'not', len: 0 };
  return { v: 'sentence', len: i + 5 - start };
}

const EMPTY = Buffer.alloc(0);

export class NmeaFilter {
  private held: Buffer = EMPTY;
  /** Sentences removed so far (for the stats and logs). */
  removed = 0;

  /**
   * The audio bytes of `chunk` (with what was held back before), sentences cut out. Without a sentence
   * that is `chunk` itself (no copy: the caller takes the bytes before the port reads again).
   */
  push(chunk: Buffer): Buffer {
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = EMPTY;
    const parts: Buffer[] = [];
    let from = 0;
    let i = buf.indexOf(DOLLAR, 0);
    while (i >= 0) {
      const { v, len } = judge(buf, i);
      if (v === 'maybe') {
        parts.push(buf.subarray(from, i));
        this.held = Buffer.from(buf.subarray(i));
        return Buffer.concat(parts);
      }
      if (v === 'sentence') {
        parts.push(buf.subarray(from, i));
        from = i + len;
        this.removed++;
        i = buf.indexOf(DOLLAR, from);
      } else i = buf.indexOf(DOLLAR, i + 1);
    }
    parts.push(buf.subarray(from));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
