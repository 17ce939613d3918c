/**
 * Test helper: reads a text/event-stream response body (fetch) into events, parsed as the HTML
 * event-stream interpretation says (fields per line, data lines joined with LF, comments kept aside).
 */
export interface ReadEvent {
  event: string;
  data: string;
  id?: string;
}

export class SseReader {
  readonly events: ReadEvent[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];

  constructor(body: ReadableStream<Uint8Array>) {
    void this.pump(body);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted or reset: counts as ended
    }
    this.ended = true;
    this.wake();
  }

  private feed(text: string): void {
    this.buffer += text;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trimStart());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
        else if (field === 'retry') this.retry = Number(value);
      }
      if (data.length > 0) this.events.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `pred` holds for the events read so far; rejects after `ms`. */
  async until(pred: (events: ReadEvent[]) => boolean, ms: number, what = 'events'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.events)) {
      if (this.ended) throw new Error(`stream ended before ${what}; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Resolves when the stream ends; rejects after `ms`. */
  async closed(ms: number): Promise<void> {
    await this.until(() => this.ended, ms, 'the end of the stream').catch((e: Error) => {
      if (!this.ended) throw e;
    });
  }
}
