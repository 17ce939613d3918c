/**
 * A PortProvider wrapper that measures the modem's own time per SMS: from the moment the host writes
 * `AT+CMGS=<n>` to the moment `+CMGS: <mr>` comes back (TS 27.005 §3.5.1). That span covers the
 * prompt, the PDU and the network round trip, i.e. what the modem needs per SMS; everything else a
 * line spends between two SMS (the scheduler, the store's durable status writes, polls sharing the
 * AT channel) is outside it. Bytes pass through unchanged.
 */
import type { AtTransport } from '../../src/at/types.js';
import type { OpenedPort, PortProvider } from '../../src/line/port-provider.js';

export class CmgsTimer {
  /** Completed AT+CMGS spans in ms, in order. */
  readonly spans: number[] = [];
  /** AT+CMGS answered with an error (+CMS ERROR / ERROR). */
  errors = 0;

  /** Wraps `inner` so that every port it opens is measured. */
  wrap(inner: PortProvider): PortProvider {
    return {
      describe: () => inner.describe(),
      hardReset: (reason) => inner.hardReset(reason),
      open: async (imei): Promise<OpenedPort> => {
        const opened = await inner.open(imei);
        return { ...opened, transport: this.measure(opened.transport) };
      },
    };
  }

  mean(): number {
    return this.spans.length ? this.spans.reduce((a, b) => a + b, 0) / this.spans.length : NaN;
  }

  private measure(t: AtTransport): AtTransport {
    let startedAt: number | null = null;
    let tail = '';
    return {
      write: (data) => {
        if (startedAt === null) {
          const s = typeof data === 'string' ? data : data.toString('latin1');
          if (s.startsWith('AT+CMGS=')) {
            startedAt = performance.now();
            tail = '';
          }
        }
        t.write(data);
      },
      onData: (listener) =>
        t.onData((chunk) => {
          if (startedAt !== null) {
            // The answer may be split across chunks: look at what is new plus a short tail.
            const text = tail + chunk.toString('latin1');
            if (/\r\n\+CMGS: *\d+/.test(text)) {
              this.spans.push(performance.now() - startedAt);
              startedAt = null;
            } else if (/\r\n(\+CMS ERROR:[^\r]*|ERROR)\r\n/.test(text)) {
              this.errors++;
              startedAt = null;
            }
            tail = text.slice(-24);
          }
          listener(chunk);
        }),
      onClose: (listener) => t.onClose(listener),
      close: () => t.close(),
    };
  }
}
