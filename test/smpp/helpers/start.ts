/** Starts an SmscServer on an ephemeral loopback port with an in-memory backend, for the SMPP tests. */
import { silentLogger } from '../../../src/util/log.js';
import { SmscServer, type SmscServerOptions } from '../../../src/smpp/server.js';
import { MemoryBackend, type Account } from './memory-backend.js';

export interface Started {
  server: SmscServer;
  backend: MemoryBackend;
  port: number;
  stop(): Promise<void>;
}

export async function startSmsc(opts: Partial<SmscServerOptions> = {}, accounts?: Account[]): Promise<Started> {
  const backend = new MemoryBackend(accounts);
  const server = new SmscServer({ host: '127.0.0.1', port: 0, log: silentLogger(), responseTimeoutMs: 2000, ...opts, backend });
  const { port } = await server.listen();
  return { server, backend, port, stop: () => server.close() };
}
