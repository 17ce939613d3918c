/** SIP over TCP (RFC 3261 §18): the shared stream transport on node's `net`. */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { StreamTransport } from './stream-transport.js';
import type { SipPeerAddress } from './sip-transport.js';
import type { StreamTransportOptions } from './transport-options.js';

export class TcpTransport extends StreamTransport {
  readonly kind = 'tcp' as const;

  constructor(options: StreamTransportOptions) {
    super(options);
  }

  protected createServer(accept: (socket: Socket) => void): Server {
    return createServer(accept);
  }

  protected openSocket(target: SipPeerAddress): { socket: Socket; readyEvent: 'connect' } {
    return { socket: connect({ host: target.ip, port: target.port }), readyEvent: 'connect' };
  }
}
