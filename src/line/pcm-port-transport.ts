/**
 * The modem's PCM audio port as a byte stream, for call audio: 50 reads and 50 writes of 320 bytes a
 * second per call. The `serialport` stream (serial-transport.ts, right for the AT port) runs each read
 * and write through libuv's thread pool, and a read that finds nothing waits and runs again: with 32
 * calls that machinery cost more than a core's third on its own (docs/media.md, the call-audio bench).
 *
 * Here the port is opened by the serial library's native open (raw termios, the exclusive lock, a
 * non-blocking descriptor) without its Linux binding object: that object's poller (which would leave and
 * re-enter the epoll set around every read, two more system calls per frame) is never freed once made,
 * as its native half holds its callback for good, so opening a call's port through it kept about 1 KB
 * per call for the life of the process (docs/decisions/0018). Reads come from a tty stream on the
 * descriptor, which stays in the event loop's epoll set for the whole call, into one buffer that every
 * read reuses (a view of it reaches the listener, which must not keep it). Writes are non-blocking
 * system calls on the main thread; what the tty cannot take at once waits, in order, and is retried
 * with the next write or shortly after.
 */
import fs from 'node:fs';
import tty from 'node:tty';
// The native open alone: the package's entry point offers it only inside LinuxBinding.open, which also
// makes the poller that is never freed.
import { asyncOpen } from '@serialport/bindings-cpp/dist/load-bindings.js';
import type { AtTransport } from '../at/types.js';

/** A tty that takes nothing for this many queued bytes (2 s at 8 kHz) is not being read: the excess is dropped. */
const MAX_QUEUED_BYTES = 32_000;
/** How soon bytes the tty could not take are tried again when no write comes first. */
const RETRY_MS = 5;
/** One read's most: 256 ms of 8 kHz audio, far more than the port delivers between two event-loop turns. */
const READ_BUFFER_BYTES = 4096;

function retryable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
}

/** The options LinuxBinding.open passes to the native open: 8N1, no flow control, raw, reads of one byte or more. */
const PORT_OPTIONS = { vmin: 1, vtime: 0, dataBits: 8, lock: true, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true };
const openPort = asyncOpen as (path: string, options: typeof PORT_OPTIONS & { path: string; baudRate: number }) => Promise<number>;

export async function openPcmTransport(path: string, baudRate: number): Promise<AtTransport> {
  let fd: number;
  try {
    fd = await openPort(path, { ...PORT_OPTIONS, path, baudRate });
  } catch (error) {
    throw new Error(`cannot open ${path}: ${(error as Error).message}`);
  }
  // The tty stream below owns the descriptor from here on (it closes it).
  let stream: tty.ReadStream;
  const reads = new ReadTarget();
  try {
    // Reads land in one buffer of ours (net.Socket's `onread`): no allocation and no readable-stream
    // bookkeeping per read. Each chunk is therefore only valid during its listener call.
    stream = new tty.ReadStream(fd, { onread: { buffer: reads.buffer, callback: (n: number, buf: Buffer) => reads.deliver(buf.subarray(0, n)) } } as never);
  } catch (error) {
    fs.closeSync(fd);
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  // On a pseudo-terminal libuv reopens the tty and reads from a descriptor of its own (a copy of ours
  // then): ours stays open and is closed with the stream. On a ttyUSB the stream owns ours.
  const streamFd = (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return new PcmPortTransport(stream, reads, fd, typeof streamFd === 'number' && streamFd !== fd);
}

/** Where the stream's reads go: one buffer, handed to the listener as a view per read. */
class ReadTarget {
  readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  listener: ((chunk: Buffer) => void) | null = null;
  deliver(chunk: Buffer): void {
    this.listener?.(chunk);
  }
}

class PcmPortTransport implements AtTransport {
  private closeListener: ((err?: Error) => void) | null = null;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly stream: tty.ReadStream,
    private readonly reads: ReadTarget,
    private readonly fd: number,
    /** `fd` is ours to close (the stream reads from a descriptor of its own). */
    private readonly closeFd: boolean,
  ) {
    stream.on('error', (error) => this.fail(error));
    stream.on('close', () => this.fail(new Error('the audio port closed')));
  }

  write(data: Buffer | string): void {
    if (this.closed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (this.queue.length > 0) {
      this.enqueue(bytes);
      return this.flush();
    }
    const written = this.tryWrite(bytes);
    if (written !== null && written < bytes.length) {
      this.enqueue(bytes.subarray(written));
      this.retryLater();
    }
  }

  /** `chunk` is a view of the reused read buffer, valid until the listener returns: copy what you keep. */
  onData(listener: (chunk: Buffer) => void): void {
    this.reads.listener = (chunk) => {
      if (!this.closed) listener(chunk);
    };
    this.stream.resume();
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListener = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.release();
    this.closeListener?.();
  }

  /** Bytes the tty took now (0 when full); null when the port failed. */
  private tryWrite(bytes: Buffer): number | null {
    try {
      return fs.writeSync(this.fd, bytes);
    } catch (error) {
      if (retryable(error)) return 0;
      this.fail(error as Error);
      return null;
    }
  }

  /** Keeps a copy: the writer reuses its frame memory once write() returns. */
  private enqueue(bytes: Buffer): void {
    if (this.queuedBytes + bytes.length > MAX_QUEUED_BYTES) return;
    this.queue.push(Buffer.from(bytes));
    this.queuedBytes += bytes.length;
  }

  private retryLater(): void {
    if (this.retry !== null || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.flush();
    }, RETRY_MS);
  }

  /** The queue in order, until the tty takes no more. */
  private flush(): void {
    while (this.queue.length > 0 && !this.closed) {
      const head = this.queue[0]!;
      const written = this.tryWrite(head);
      if (written === null) return;
      if (written < head.length) {
        this.queue[0] = head.subarray(written);
        this.queuedBytes -= written;
        return this.retryLater();
      }
      this.queue.shift();
      this.queuedBytes -= head.length;
    }
  }

  private release(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.stream.destroy();
    if (this.closeFd) fs.close(this.fd, () => undefined);
  }

  /** A read or write error, or the far end gone: the port is gone. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.release();
    this.closeListener?.(error);
  }
}
