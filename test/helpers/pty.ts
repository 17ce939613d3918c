/**
 * Puts an in-process fake modem behind a real pseudo-terminal (socat PTY ↔ TCP), so the daemon opens it
 * through the `serialport` package exactly as it opens /dev/ttyUSBn.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AtTransport } from '../../src/at/types.js';

export interface PtyBridge {
  path: string;
  stop(): Promise<void>;
}

/** `open()` is called for every connection (each time the daemon opens the pty, socat connects). */
export async function ptyBridge(path: string, open: () => AtTransport): Promise<PtyBridge> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    // no Nagle on either side: a reply written right after an unsolicited line must not wait for a delayed ACK
    sock.setNoDelay(true);
    const t = open();
    t.onData((b) => sock.write(b));
    t.onClose(() => sock.destroy());
    sock.on('data', (d) => t.write(d));
    sock.on('close', () => {
      sockets.delete(sock);
      void t.close();
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  // fork: a new TCP connection for each open of the pty; the pty stays while socat runs
  const socat: ChildProcess = spawn('socat', [`PTY,link=${path},rawer,wait-slave`, `TCP:127.0.0.1:${port},nodelay`], { stdio: 'ignore' });
  let restart = true;
  let current = socat;
  // with wait-slave socat exits when the slave side is closed; start it again so the device "stays plugged in"
  const watch = (c: ChildProcess) =>
    c.on('exit', () => {
      if (!restart) return;
      current = spawn('socat', [`PTY,link=${path},rawer,wait-slave`, `TCP:127.0.0.1:${port},nodelay`], { stdio: 'ignore' });
      watch(current);
    });
  watch(socat);
  const end = Date.now() + 5000;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`socat did not create ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    path,
    async stop() {
      restart = false;
      current.kill('SIGTERM');
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
