/**
 * The shape of a modem's PCM port (16-bit signed little-endian mono; the vendors' USB audio notes) and
 * the conversions between its bytes and samples. Pure.
 */

/** The port's rate and frame length, as the modem's driver states them. */
export interface PortPcmFormat {
  sampleRate: 8000 | 16000;
  frameMs: 20 | 40;
}

/** Samples in one frame of the port. */
export function frameSamples(f: PortPcmFormat): number {
  return (f.sampleRate / 1000) * f.frameMs;
}

/** Bytes in one frame of the port (2 per sample): 320 for 8 kHz / 20 ms, 1280 for 16 kHz / 40 ms. */
export function frameBytes(f: PortPcmFormat): number {
  return frameSamples(f) * 2;
}

/** The port's byte order is the host's (x86, ARM): samples and bytes can share memory, no copy per frame. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Little-endian 16-bit samples of `bytes` (an even length; a trailing odd byte is ignored). On a
 * little-endian host with the bytes 2-aligned, a view of the same memory.
 */
export function bytesToSamples(bytes: Buffer): Int16Array {
  const n = bytes.length >> 1;
  if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

/** The samples as little-endian bytes; on a little-endian host, a view of the same memory. */
export function samplesToBytes(samples: Int16Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.length * 2);
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}
