/**
 * Frames SIP messages out of a TCP or TLS byte stream (RFC 3261 §18.3): the header section ends at the
 * first empty line and Content-Length, mandatory on streams, says how many body bytes follow. CRLFs
 * between messages are keep-alives (RFC 5626 §3.5.1): a double CRLF is a ping the transport answers
 * with a single CRLF (a pong). Bytes may arrive split anywhere; nothing here throws on bad input —
 * a stream that cannot be framed yields a typed error and the transport closes the connection.
 */

export interface StreamFramerOptions {
  /** Largest header section (start line to the empty line). Default 16384 bytes. */
  readonly maxHeaderBytes: number;
  /** Largest body a Content-Length may announce. Default 65535 bytes. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_STREAM_FRAMER_OPTIONS: StreamFramerOptions = Object.freeze({ maxHeaderBytes: 16384, maxBodyBytes: 65535 });

export type StreamFramerErrorKind = 'header-too-large' | 'missing-content-length' | 'bad-content-length' | 'body-too-large';

export interface StreamFramerError {
  readonly kind: StreamFramerErrorKind;
  readonly detail: string;
}

export type StreamFramerEvent =
  /** One complete message: header section and exactly Content-Length body bytes. */
  | { readonly kind: 'message'; readonly bytes: Buffer }
  /** A double-CRLF ping: answer with one CRLF (RFC 5626 §3.5.1). */
  | { readonly kind: 'ping' }
  /** A lone CRLF between messages: the pong to our ping. */
  | { readonly kind: 'pong' }
  /** The stream cannot be framed any further; close the connection. */
  | { readonly kind: 'error'; readonly error: StreamFramerError };

/** `between-messages`: waiting for a start line or keep-alive CRLFs; `headers`/`body`: inside a message. */
export type StreamFramerState = 'between-messages' | 'headers' | 'body' | 'failed';

const ALLOWED: Readonly<Record<StreamFramerState, readonly StreamFramerState[]>> = {
  'between-messages': ['headers', 'failed'],
  headers: ['body', 'failed'],
  body: ['between-messages', 'failed'],
  failed: [],
};

const CRLF = 0x0d0a;
const CONTENT_LENGTH_LINE = /^(?:content-length|l)[ \t]*:[ \t]*(.*?)[ \t]*$/i;

export class StreamFramer {
  private readonly options: StreamFramerOptions;
  private state: StreamFramerState = 'between-messages';
  private buffer: Buffer = Buffer.alloc(0);
  /** Where the search for the empty line resumes, so each byte is scanned about once. */
  private scanFrom = 0;
  private headerLength = 0;
  private bodyLength = 0;
  private failure: StreamFramerError | undefined;

  constructor(options: Partial<StreamFramerOptions> = {}) {
    this.options = { ...DEFAULT_STREAM_FRAMER_OPTIONS, ...options };
  }

  get currentState(): StreamFramerState {
    return this.state;
  }

  /** Bytes held that do not yet form a message. */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  private transition(to: StreamFramerState): void {
    if (!ALLOWED[this.state].includes(to)) throw new Error(`stream framer: no transition from ${this.state} to ${to}`);
    this.state = to;
  }

  private fail(kind: StreamFramerErrorKind, detail: string): StreamFramerEvent {
    this.failure = { kind, detail };
    this.transition('failed');
    this.buffer = Buffer.alloc(0);
    return { kind: 'error', error: this.failure };
  }

  /** Feeds bytes; returns what they complete, in order. After an error only that error is returned. */
  push(chunk: Buffer): StreamFramerEvent[] {
    if (this.state === 'failed') return [{ kind: 'error', error: this.failure! }];
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const events: StreamFramerEvent[] = [];
    for (;;) {
      const event = this.step();
      if (event === undefined) return events;
      events.push(event);
      if (event.kind === 'error') return events;
    }
  }

  /** Produces the next event from the buffer, or undefined when more bytes are needed. */
  private step(): StreamFramerEvent | undefined {
    switch (this.state) {
      case 'between-messages':
        return this.stepBetweenMessages();
      case 'headers':
        return this.stepHeaders();
      case 'body':
        return this.stepBody();
      case 'failed':
        return undefined;
    }
  }

  private stepBetweenMessages(): StreamFramerEvent | undefined {
    const b = this.buffer;
    if (b.length === 0) return undefined;
    if (b[0] !== 0x0d) {
      this.transition('headers');
      this.scanFrom = 0;
      return this.stepHeaders();
    }
    if (b.length < 2) return undefined;
    if (b.readUInt16BE(0) !== CRLF) {
      // A lone CR is not a keep-alive; let the message parser judge the bytes.
      this.transition('headers');
      this.scanFrom = 0;
      return this.stepHeaders();
    }
    // A CRLF: a ping if another CRLF follows, a pong if anything else does; wait while unsure.
    if (b.length < 3) return undefined;
    if (b[2] === 0x0d) {
      if (b.length < 4) return undefined;
      if (b.readUInt16BE(2) === CRLF) {
        this.buffer = b.subarray(4);
        return { kind: 'ping' };
      }
    }
    this.buffer = b.subarray(2);
    return { kind: 'pong' };
  }

  private stepHeaders(): StreamFramerEvent | undefined {
    const end = this.buffer.indexOf('\r\n\r\n', Math.max(0, this.scanFrom - 3), 'latin1');
    if (end < 0) {
      this.scanFrom = this.buffer.length;
      if (this.buffer.length > this.options.maxHeaderBytes) return this.fail('header-too-large', `no end of headers within ${this.options.maxHeaderBytes} bytes`);
      return undefined;
    }
    this.headerLength = end + 4;
    if (this.headerLength > this.options.maxHeaderBytes) return this.fail('header-too-large', `header section of ${this.headerLength} bytes`);
    const length = this.readContentLength(this.buffer.toString('latin1', 0, end));
    if (typeof length !== 'number') return this.fail(length.kind, length.detail);
    if (length > this.options.maxBodyBytes) return this.fail('body-too-large', `Content-Length ${length}, limit ${this.options.maxBodyBytes}`);
    this.bodyLength = length;
    this.transition('body');
    return this.stepBody();
  }

  /** RFC 3261 §18.3 and §20.14: one Content-Length (or `l`), a non-negative decimal number. */
  private readContentLength(head: string): number | StreamFramerError {
    const values = new Set<string>();
    for (const line of head.split('\r\n').slice(1)) {
      const m = CONTENT_LENGTH_LINE.exec(line);
      if (m) values.add(m[1]!);
    }
    if (values.size === 0) return { kind: 'missing-content-length', detail: 'a message on a stream without Content-Length' };
    if (values.size > 1) return { kind: 'bad-content-length', detail: `conflicting Content-Length values ${[...values].join(', ')}` };
    const value = [...values][0]!;
    if (!/^\d{1,10}$/.test(value)) return { kind: 'bad-content-length', detail: `Content-Length "${value.slice(0, 40)}"` };
    return Number(value);
  }

  private stepBody(): StreamFramerEvent | undefined {
    const total = this.headerLength + this.bodyLength;
    if (this.buffer.length < total) return undefined;
    const bytes = Buffer.from(this.buffer.subarray(0, total));
    this.buffer = this.buffer.subarray(total);
    this.transition('between-messages');
    return { kind: 'message', bytes };
  }
}
