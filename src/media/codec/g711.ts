/**
 * G.711 (ITU-T G.711, 1988) μ-law (PCMU) and A-law (PCMA) companding between 16-bit linear PCM and
 * 8-bit codes. Decoding is a 256-entry table per law; encoding is a 65,536-entry table per law indexed
 * by the sample's 16 bits, built once on first use from the segment rules below, so the per-sample cost
 * on the audio path is one load.
 */
export type G711Law = 'PCMU' | 'PCMA';

/** μ-law: bias 132 (0x84) moves segment boundaries to powers of two; magnitudes clip at 32635. */
const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;
/** A-law: the same clip; segment 0 and 1 share one step size (G.711 Table 1a/2a). */
const ALAW_CLIP = 32635;

/** Index of the highest set bit of v (0 for v = 0). */
function topBit(v: number): number {
  return v === 0 ? 0 : 31 - Math.clz32(v);
}

function muLawEncodeSample(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = sign ? -sample : sample;
  magnitude += MULAW_BIAS;
  if (magnitude > MULAW_CLIP) magnitude = MULAW_CLIP;
  // Segment (exponent) = position of the top bit above bit 7, 0..7.
  const exponent = Math.max(0, topBit(magnitude >> 7));
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  // Codes are sent inverted (G.711 §3.2: all bits complemented).
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function muLawDecodeSample(code: number): number {
  const c = ~code & 0xff;
  const exponent = (c >> 4) & 0x07;
  const mantissa = c & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return c & 0x80 ? -magnitude : magnitude;
}

function aLawEncodeSample(sample: number): number {
  // −32768 has no positive twin in 16 bits; it encodes like −32767.
  const s = sample === -32768 ? -32767 : sample;
  const positive = s >= 0;
  let magnitude = positive ? s : -s;
  if (magnitude > ALAW_CLIP) magnitude = ALAW_CLIP;
  let code: number;
  if (magnitude >= 256) {
    const exponent = topBit(magnitude >> 8) + 1;
    code = (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f);
  } else {
    code = magnitude >> 4;
  }
  // Positive samples carry the sign bit set; even bits are inverted on the line (G.711 §3.3, 0x55).
  return code ^ (positive ? 0xd5 : 0x55);
}

function aLawDecodeSample(code: number): number {
  const c = code ^ 0x55;
  const exponent = (c >> 4) & 0x07;
  const mantissa = c & 0x0f;
  // Reconstruct at the middle of the quantisation interval.
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return c & 0x80 ? magnitude : -magnitude;
}

function decodeTable(decodeSample: (code: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = decodeSample(c);
  return t;
}

export const MULAW_DECODE: Int16Array = decodeTable(muLawDecodeSample);
export const ALAW_DECODE: Int16Array = decodeTable(aLawDecodeSample);

let muLawEncodeTable: Uint8Array | null = null;
let aLawEncodeTable: Uint8Array | null = null;

function encodeTable(encodeSample: (s: number) => number): Uint8Array {
  const t = new Uint8Array(65536);
  for (let u = 0; u < 65536; u++) t[u] = encodeSample(u >= 32768 ? u - 65536 : u);
  return t;
}

function tableFor(law: G711Law): Uint8Array {
  if (law === 'PCMU') return (muLawEncodeTable ??= encodeTable(muLawEncodeSample));
  return (aLawEncodeTable ??= encodeTable(aLawEncodeSample));
}

/** Encodes linear samples into `out` (allocated when absent); returns the codes. */
export function g711Encode(law: G711Law, samples: Int16Array, out: Uint8Array = new Uint8Array(samples.length)): Uint8Array {
  const table = tableFor(law);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i]! & 0xffff]!;
  return out;
}

/** Decodes codes into `out` (allocated when absent); returns the samples. */
export function g711Decode(law: G711Law, codes: Uint8Array, out: Int16Array = new Int16Array(codes.length)): Int16Array {
  const table = law === 'PCMU' ? MULAW_DECODE : ALAW_DECODE;
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]!]!;
  return out;
}

/** The code for digital silence (zero amplitude), for filling gaps without a table lookup. */
export function g711Silence(law: G711Law): number {
  return law === 'PCMU' ? 0xff : 0xd5;
}
