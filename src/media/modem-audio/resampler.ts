/**
 * 16 kHz ↔ 8 kHz for ports that run at 16 kHz (SIMCom AT+CPCMFRM=1). Dropping every other sample would
 * fold everything between 4 and 8 kHz back into the voice band; a low-pass FIR runs first (down) or after
 * zero-stuffing (up), so images and aliases are attenuated. Stateful across frames (the filter's history
 * carries over), so frame edges add no clicks. Pure.
 *
 * The filter: a 47-tap windowed-sinc low-pass (Blackman window), cut-off 3.6 kHz at 16 kHz: flat through
 * the telephone band (300–3400 Hz, ITU-T G.712), more than 40 dB down at 5 kHz and beyond.
 */

const TAPS = 47;
const CUTOFF_HZ = 3600;
const RATE_HZ = 16000;

function lowPass(): Float64Array {
  const h = new Float64Array(TAPS);
  const m = TAPS - 1;
  const fc = CUTOFF_HZ / RATE_HZ;
  let sum = 0;
  for (let n = 0; n < TAPS; n++) {
    const x = n - m / 2;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / m) + 0.08 * Math.cos((4 * Math.PI * n) / m);
    h[n] = sinc * w;
    sum += h[n]!;
  }
  for (let n = 0; n < TAPS; n++) h[n]! /= sum; // unity gain at DC
  return h;
}

const H = lowPass();

const clamp16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v));

/** A FIR over a running history of the 16 kHz signal. */
class Fir {
  private readonly hist = new Float64Array(TAPS);
  private pos = 0;

  /** Feeds one 16 kHz sample. */
  put(x: number): void {
    this.hist[this.pos] = x;
    this.pos = (this.pos + 1) % TAPS;
  }

  /** The filter's output for the samples fed so far. */
  out(): number {
    let acc = 0;
    let k = this.pos; // oldest
    for (let n = TAPS - 1; n >= 0; n--) {
      acc += H[n]! * this.hist[k]!;
      k = k + 1 === TAPS ? 0 : k + 1;
    }
    return acc;
  }
}

/** 16 kHz → 8 kHz: low-pass, then every other sample. */
export class Downsampler {
  private readonly fir = new Fir();
  private phase = 0;

  process(input: Int16Array): Int16Array {
    const out = new Int16Array(Math.floor((input.length + this.phase) / 2));
    let o = 0;
    for (let i = 0; i < input.length; i++) {
      this.fir.put(input[i]!);
      if (this.phase === 1 && o < out.length) out[o++] = clamp16(this.fir.out());
      this.phase ^= 1;
    }
    return out.subarray(0, o);
  }
}

/** 8 kHz → 16 kHz: a zero between samples, then the low-pass (gain 2 for the zeros' lost energy). */
export class Upsampler {
  private readonly fir = new Fir();

  process(input: Int16Array): Int16Array {
    const out = new Int16Array(input.length * 2);
    for (let i = 0; i < input.length; i++) {
      this.fir.put(input[i]!);
      out[2 * i] = clamp16(2 * this.fir.out());
      this.fir.put(0);
      out[2 * i + 1] = clamp16(2 * this.fir.out());
    }
    return out;
  }
}
