/**
 * The modem's PCM audio port as a byte stream, for call audio: 50 reads and 50 writes of 320 bytes a
 * second per call. The `serialport` stream (serial-transport.ts, right for the AT port) runs each read
 * and write through libuv's thread pool, and a read that finds nothing waits and runs again: with 32
 * calls that machinery cost more than a core's third on its own (docs/media.md, the call-audio bench).
 *
 * Here the port is opened by the serial library's Linux binding (raw termios, the exclusive lock, a
 * non-blocking descriptor) and then read and written with non-blocking system calls on the main thread
 * when the binding's poller says the descriptor is ready. Reads drain what is there; a write the tty
 * cannot take whole waits for 'writable' with the rest queued, in order.
 */
import fs from 'node:fs';
import { LinuxBinding, type LinuxPortBinding } from '@serialport/bindings-cpp';
import type { AtTransport } from '../at/types.js';

/** Read in chunks of this size: several 20 ms frames even at 16 kHz. */
const READ_BYTES = 4096;
/** A tty that takes nothing for this many queued bytes (2 s at 8 kHz) is not being read: the excess is dropped. */
const MAX_QUEUED_BYTES = 32_000;

function retryable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
}

export async function openPcmTransport(path: string, baudRate: number): Promise<AtTransport> {
  let binding: LinuxPortBinding;
  try {
    binding = await LinuxBinding.open({ path, baudRate, lock: true });
  } catch (error) {
    throw new Error(`cannot open ${path}: ${(error as Error).message}`);
  }
  return new PcmPortTransport(binding);
}

class PcmPortTransport implements AtTransport {
  private readonly buffer = Buffer.allocUnsafeSlow(READ_BYTES);
  private readonly fd: number;
  private dataListener: ((chunk: Buffer) => void) | null = null;
  private closeListener: ((err?: Error) => void) | null = null;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private waitingWritable = false;
  private closed = false;

  constructor(private readonly binding: LinuxPortBinding) {
    this.fd = binding.fd!;
  }

  write(data: Buffer | string): void {
    if (this.closed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (this.queue.length > 0) return this.enqueue(bytes);
    this.writeNow(bytes);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
    this.readReady();
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListener = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    await this.binding.close().catch(() => undefined);
    this.closeListener?.();
  }

  /** Everything the tty holds now, then wait for more. */
  private readReady(): void {
    if (this.closed) return;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.buffer, 0, READ_BYTES, null);
      } catch (error) {
        if (retryable(error)) break;
        return this.fail(error as Error);
      }
      if (n === 0) break;
      // A copy: the read buffer is used again at once.
      this.dataListener?.(Buffer.from(this.buffer.subarray(0, n)));
      if (this.closed) return;
      if (n < READ_BYTES) break;
    }
    this.binding.poller.once('readable', (error) => {
      if (error) return this.fail(error);
      this.readReady();
    });
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

  private writeNow(bytes: Buffer): void {
    const written = this.tryWrite(bytes);
    if (written === null) return;
    if (written < bytes.length) {
      this.enqueue(bytes.subarray(written));
      this.waitWritable();
    }
  }

  private enqueue(bytes: Buffer): void {
    if (this.queuedBytes + bytes.length > MAX_QUEUED_BYTES) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
  }

  private waitWritable(): void {
    if (this.waitingWritable || this.closed) return;
    this.waitingWritable = true;
    this.binding.poller.once('writable', (error) => {
      this.waitingWritable = false;
      if (error) return this.fail(error);
      this.flush();
    });
  }

  /** The queue in order, until the tty takes no more. */
  private flush(): void {
    while (this.queue.length > 0 && !this.closed) {
      const head = this.queue.shift()!;
      this.queuedBytes -= head.length;
      const written = this.tryWrite(head);
      if (written === null) return;
      if (written < head.length) {
        const rest = head.subarray(written);
        this.queue.unshift(rest);
        this.queuedBytes += rest.length;
        return this.waitWritable();
      }
    }
  }

  /** A read or write error (the device went away, a closed port's cancelled poll): the port is gone. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    void this.binding.close().catch(() => undefined);
    this.closeListener?.(error);
  }
}
