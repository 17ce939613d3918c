/**
 * A UDP responder for tests: the registrar behind the UDP transport, answering every REGISTER with
 * what handleRegister returns. Test-only: the SIP core puts the registrar behind server transactions.
 */
import { createResponse, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import type { Registrar } from '../../../src/sip/registrar/index.js';
import { SipTransportSet, UdpTransport } from '../../../src/sip/transport/index.js';
import { silentLogger } from '../../../src/util/log.js';

export interface RegisterResponder {
  readonly port: number;
  readonly requests: SipRequest[];
  readonly statuses: number[];
  readonly responses: SipResponse[];
  close(): Promise<void>;
}

export async function startRegisterResponder(registrar: Registrar, host = '127.0.0.1'): Promise<RegisterResponder> {
  const udp = new UdpTransport({ version: 'test', log: silentLogger() });
  const set = new SipTransportSet([udp]);
  const requests: SipRequest[] = [];
  const statuses: number[] = [];
  const responses: SipResponse[] = [];
  set.setReceiver((incoming) => {
    if (incoming.kind !== 'message' || incoming.message.kind !== 'request') return;
    const request = incoming.message;
    requests.push(request);
    if (request.method === 'ACK') return;
    const response =
      request.method === 'REGISTER'
        ? registrar.handleRegister(request, { ip: incoming.source.ip, port: incoming.source.port, transport: incoming.transport })
        : createResponse(request, 405, 'Method Not Allowed', { version: 'test', headers: [['Allow', 'REGISTER']] });
    statuses.push(response.statusCode);
    responses.push(response);
    void set.sendResponse(response, incoming);
  });
  const { port } = await udp.listen(host, 0);
  return { port, requests, statuses, responses, close: () => set.close() };
}
