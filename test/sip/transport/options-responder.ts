/**
 * A tiny SIP responder for tests, built on the UDP transport: it answers OPTIONS with 200 OK and every
 * other request with 405. Test-only: cellgate's SIP core replaces it.
 */
import { createResponse, type SipRequest } from '../../../src/sip/message/index.js';
import { SipTransportSet, UdpTransport, type IncomingSip } from '../../../src/sip/transport/index.js';
import { silentLogger } from '../../../src/util/log.js';

export interface OptionsResponder {
  readonly port: number;
  readonly requests: SipRequest[];
  readonly rejections: IncomingSip[];
  close(): Promise<void>;
}

export async function startOptionsResponder(host = '127.0.0.1'): Promise<OptionsResponder> {
  const udp = new UdpTransport({ version: 'test', log: silentLogger() });
  const set = new SipTransportSet([udp]);
  const requests: SipRequest[] = [];
  const rejections: IncomingSip[] = [];
  set.setReceiver((incoming) => {
    if (incoming.kind === 'rejected') return void rejections.push(incoming);
    if (incoming.message.kind !== 'request') return;
    const request = incoming.message;
    requests.push(request);
    if (request.method === 'ACK') return;
    const response =
      request.method === 'OPTIONS'
        ? createResponse(request, 200, 'OK', { version: 'test', headers: [['Allow', 'OPTIONS']] })
        : createResponse(request, 405, 'Method Not Allowed', { version: 'test', headers: [['Allow', 'OPTIONS']] });
    void set.sendResponse(response, incoming);
  });
  const { port } = await udp.listen(host, 0);
  return { port, requests, rejections, close: () => set.close() };
}
