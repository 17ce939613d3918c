/**
 * One event-stream connection's way out: writes frames to the response and, while the socket is
 * backed up (write() returned false), holds further frames in a bounded queue. A client that stops
 * reading fills the queue and is dropped (`onOverflow`), so a stalled browser or proxy never makes
 * the daemon buffer without limit. The queue empties in order on 'drain'.
 */

/** What the outbox needs of the response (http.ServerResponse, a PassThrough, a test double). */
export interface FrameSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

export interface SseOutboxOptions {
  /** Most bytes held while the socket is backed up; one more and the client is dropped. */
  maxQueuedBytes: number;
  /** Called once when the client is dropped for not reading. */
  onOverflow: () => void;
}

export const DEFAULT_MAX_QUEUED_BYTES = 256 * 1024;

export class SseOutbox {
  private readonly queue: string[] = [];
  private queuedBytes = 0;
  private waitingForDrain = false;
  private closed = false;
  private readonly onDrain = () => this.drain();

  constructor(
    private readonly sink: FrameSink,
    private readonly opts: SseOutboxOptions,
  ) {}

  /** Sends a frame (or queues it); false once the outbox is closed or has just overflowed. */
  send(frame: string): boolean {
    if (this.closed) return false;
    if (this.waitingForDrain) {
      const bytes = Buffer.byteLength(frame);
      if (this.queuedBytes + bytes > this.opts.maxQueuedBytes) {
        this.close();
        this.opts.onOverflow();
        return false;
      }
      this.queue.push(frame);
      this.queuedBytes += bytes;
      return true;
    }
    this.writeNow(frame);
    return true;
  }

  /** Bytes held while the socket is backed up. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops sending and forgets what is queued (the caller ends the response). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.waitingForDrain) this.sink.off('drain', this.onDrain);
    this.waitingForDrain = false;
  }

  private writeNow(frame: string): void {
    if (!this.sink.write(frame)) {
      this.waitingForDrain = true;
      this.sink.once('drain', this.onDrain);
    }
  }

  private drain(): void {
    this.waitingForDrain = false;
    while (!this.closed && !this.waitingForDrain && this.queue.length > 0) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= Buffer.byteLength(frame);
      this.writeNow(frame);
    }
  }
}
