/**
 * WAV files (RIFF/WAVE with a PCM "fmt " chunk, format tag 1) for the outside parties: read what a
 * party plays, write what it recorded. Only the voice path's format is taken: 8 kHz, 16-bit, mono.
 * Raw input (no RIFF header) is taken as 8 kHz signed 16-bit little-endian mono.
 */

/** Parses a WAV file or raw s16le bytes. Returns the samples, or an error text (never throws). */
export function readPcm(bytes: Buffer): { samples: Int16Array } | { error: string } {
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF') {
    if (bytes.toString('latin1', 8, 12) !== 'WAVE') return { error: 'RIFF file is not WAVE' };
    let at = 12;
    let fmtOk = false;
    while (at + 8 <= bytes.length) {
      const id = bytes.toString('latin1', at, at + 4);
      const size = bytes.readUInt32LE(at + 4);
      const body = at + 8;
      if (id === 'fmt ') {
        if (size < 16 || body + 16 > bytes.length) return { error: 'WAV fmt chunk too short' };
        const tag = bytes.readUInt16LE(body);
        const channels = bytes.readUInt16LE(body + 2);
        const rate = bytes.readUInt32LE(body + 4);
        const bits = bytes.readUInt16LE(body + 14);
        if (tag !== 1 || channels !== 1 || rate !== 8000 || bits !== 16) {
          return { error: `WAV must be PCM 8000 Hz 16-bit mono (got format ${tag}, ${channels} channel(s), ${rate} Hz, ${bits} bits)` };
        }
        fmtOk = true;
      } else if (id === 'data') {
        if (!fmtOk) return { error: 'WAV data chunk before its fmt chunk' };
        return { samples: samplesOf(bytes.subarray(body, Math.min(bytes.length, body + size))) };
      }
      at = body + size + (size & 1); // chunks are padded to an even size (RIFF)
    }
    return { error: 'WAV file has no data chunk' };
  }
  return { samples: samplesOf(bytes) };
}

function samplesOf(b: Buffer): Int16Array {
  const out = new Int16Array(b.length >> 1); // a trailing odd byte is not a sample
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}

/** Samples as raw s16le bytes. */
export function pcmBytes(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/** Samples as a WAV file, 8 kHz 16-bit mono. */
export function wavFile(samples: Int16Array, sampleRate = 8000): Buffer {
  const data = pcmBytes(samples);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
