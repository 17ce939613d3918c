/**
 * A minimal REGISTER sender for tests over real sockets: each request goes out in its own non-INVITE
 * client transaction on the UDP transport, responses are matched by top Via branch (RFC 3261
 * §17.1.3). Test-only: the SIP core takes this role in the daemon.
 */
import { serializeSipMessage, type SipResponse } from '../../../src/sip/message/index.js';
import { NonInviteClientTransaction } from '../../../src/sip/transaction/non-invite-client-transaction.js';
import { RealTimerScheduler } from '../../../src/sip/transaction/timer-scheduler.js';
import type { TransactionResponse } from '../../../src/sip/transaction/transaction-message.js';
import { resolveTransactionTimers } from '../../../src/sip/transaction/transaction-timer-options.js';
import { UdpTransport } from '../../../src/sip/transport/index.js';
import type { RegisterResult, SendRegister } from '../../../src/sip/registration/index.js';
import { silentLogger } from '../../../src/util/log.js';

interface MatchedResponse extends TransactionResponse {
  readonly message: SipResponse;
}

export interface UdpRegisterSender {
  readonly port: number;
  readonly send: SendRegister;
  close(): Promise<void>;
}

export async function startUdpRegisterSender(host = '127.0.0.1'): Promise<UdpRegisterSender> {
  const udp = new UdpTransport({ version: 'test', log: silentLogger() });
  const pending = new Map<string, NonInviteClientTransaction<MatchedResponse>>();
  // A short T4 so Timer K does not keep the test process waiting after the last answer.
  const resolved = resolveTransactionTimers({ t4Ms: 200 });
  if (!resolved.ok) throw new Error(resolved.problems.join('; '));
  const scheduler = new RealTimerScheduler();
  udp.setReceiver((incoming) => {
    if (incoming.kind !== 'message' || incoming.message.kind !== 'response') return;
    const response = incoming.message;
    const branch = response.topVia?.branch;
    const transaction = branch === undefined ? undefined : pending.get(branch);
    transaction?.receiveResponse({ statusCode: response.statusCode, bytes: serializeSipMessage(response), branch, cseqMethod: response.cseq?.method, message: response });
  });
  const { port } = await udp.listen(host, 0);

  const send: SendRegister = (request, nextHop) =>
    new Promise<RegisterResult>((resolve) => {
      const branch = request.topVia?.branch ?? '';
      const transaction: NonInviteClientTransaction<MatchedResponse> = new NonInviteClientTransaction<MatchedResponse>({
        request: { method: request.method, branch, sentBy: `${host}:${port}`, cseqMethod: request.cseq?.method ?? request.method, bytes: serializeSipMessage(request) },
        transport: { reliable: false, send: (bytes) => void udp.send({ ip: nextHop.host, port: nextHop.port }, bytes).catch((error: unknown) => transaction.transportError(error)) },
        timers: resolved.timers,
        scheduler,
        report: (event) => {
          if (event.kind === 'response' && event.response.statusCode >= 200) resolve({ kind: 'response', response: event.response.message });
          else if (event.kind === 'timeout') resolve({ kind: 'timeout' });
          else if (event.kind === 'transport-error') resolve({ kind: 'transport-error', detail: String(event.error) });
          else if (event.kind === 'terminated') pending.delete(branch);
        },
      });
      pending.set(branch, transaction);
      transaction.start();
    });

  return { port, send, close: () => udp.close() };
}
