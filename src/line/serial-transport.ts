/**
 * AtTransport over a serial device (USB ttyUSB/ttyACM, any tty, or a pseudo-terminal) using the
 * `serialport` package. The raw byte stream is handed to the AT framer: no line parser here, because
 * `ReadlineParser` would never deliver the `> ` prompt of AT+CMGS (ARCHITECTURE.md library notes).
 */
import { SerialPort } from 'serialport';
import type { AtTransport } from '../at/types.js';

export async function openSerialTransport(path: string, baudRate: number): Promise<AtTransport> {
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`cannot open ${path}: ${err.message}`)) : resolve())));
  let closeListener: ((e?: Error) => void) | undefined;
  let closed = false;
  const fireClose = (e?: Error) => {
    if (closed) return;
    closed = true;
    closeListener?.(e);
  };
  // Without an 'error' listener a read error (device unplugged) would be an uncaught exception.
  port.on('error', (e: Error) => {
    fireClose(e);
    if (port.isOpen) port.close(() => {});
  });
  port.on('close', (e?: Error & { disconnected?: boolean }) => fireClose(e ?? undefined));
  return {
    write(data) {
      if (!closed) port.write(data);
    },
    onData(listener) {
      port.on('data', listener);
    },
    onClose(listener) {
      closeListener = listener;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!port.isOpen) {
          fireClose();
          return resolve();
        }
        port.close(() => {
          fireClose();
          resolve();
        });
      });
    },
  };
}
