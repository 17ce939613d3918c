/**
 * SIP over TLS (RFC 3261 §26.2, port 5061): the shared stream transport on node's `tls`. The server's
 * certificate and key come as PEM files or bytes; a handshake that does not finish within the
 * incomplete-message time is dropped, and the connection caps are checked before the handshake so a
 * flood of connections costs no cryptography.
 */
import { readFileSync } from 'node:fs';
import { isIP, type Server, type Socket } from 'node:net';
import { connect, createServer } from 'node:tls';
import { normalizeIp } from './peer-address.js';
import { StreamTransport } from './stream-transport.js';
import type { SipPeerAddress } from './sip-transport.js';
import type { PemSource, TlsTransportOptions } from './transport-options.js';

/** A string is a path to a PEM file; a Buffer is the PEM itself. */
export function readPem(source: PemSource): Buffer {
  return typeof source === 'string' ? readFileSync(source) : source;
}

export class TlsTransport extends StreamTransport {
  readonly kind = 'tls' as const;
  private readonly key: Buffer;
  private readonly cert: Buffer;
  private readonly ca: Buffer | undefined;
  private readonly rejectUnauthorized: boolean;

  constructor(options: TlsTransportOptions) {
    super(options);
    this.key = readPem(options.key);
    this.cert = readPem(options.cert);
    this.ca = options.ca === undefined ? undefined : readPem(options.ca);
    this.rejectUnauthorized = options.rejectUnauthorized ?? true;
  }

  protected createServer(accept: (socket: Socket) => void): Server {
    const server = createServer({ key: this.key, cert: this.cert, handshakeTimeout: this.settings.incompleteMessageTimeoutMs }, accept);
    // Raw TCP connections, before any handshake work.
    server.on('connection', (socket: Socket) => {
      if (!this.admits(normalizeIp(socket.remoteAddress ?? ''))) {
        this.quietLog.debug({ remote: socket.remoteAddress }, 'sip tls transport: connection cap reached, refusing');
        socket.destroy();
      }
    });
    server.on('tlsClientError', (error) => this.quietLog.debug({ error: error.message }, 'sip tls transport: handshake failed'));
    return server;
  }

  protected openSocket(target: SipPeerAddress): { socket: Socket; readyEvent: 'secureConnect' } {
    // RFC 6066 §3: no server name indication for an IP literal; the IP is checked against the certificate's SANs.
    const socket = connect({
      host: target.ip,
      port: target.port,
      ca: this.ca,
      rejectUnauthorized: this.rejectUnauthorized,
      ...(isIP(target.ip) === 0 ? { servername: target.ip } : {}),
    });
    return { socket, readyEvent: 'secureConnect' };
  }
}
