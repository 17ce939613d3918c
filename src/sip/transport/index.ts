/** SIP transports: UDP, TCP and TLS on shared sockets, Via received/rport, response routing (see docs/sip.md). */
export type { IncomingSip, IncomingSipMessage, IncomingSipRejection, SipConnection, SipOutgoing, SipPeerAddress, SipReceiver, SipTarget, SipTransport, SipTransportKind } from './sip-transport.js';
export { UdpTransport } from './udp-transport.js';
export { TcpTransport } from './tcp-transport.js';
export { TlsTransport, readPem } from './tls-transport.js';
export { StreamTransport } from './stream-transport.js';
export type { StreamCloseReason, StreamConnectionState } from './stream-connection-state.js';
export { STREAM_DEFAULTS, UDP_DEFAULTS, type PemSource, type StreamTransportOptions, type TlsTransportOptions, type UdpTransportOptions } from './transport-options.js';
export { stampReceived, type ViaStampResult } from './via-received.js';
export { defaultSipPort, responseDestination, type ReplyPath, type ResponseRoute } from './response-route.js';
export { SipTransportSet, type BoundTransactionTransport, type RequestOrigin, type SipTransportSetOptions } from './sip-transport-set.js';
export { StreamFramer, DEFAULT_STREAM_FRAMER_OPTIONS, type StreamFramerEvent, type StreamFramerError, type StreamFramerOptions } from './stream-framer.js';
