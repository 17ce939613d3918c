import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSipMessage, serializeSipMessage, SipRequest, SipResponse, type SipMessage } from '../../../src/sip/message/index.js';
import type { DialogLocalSpec, DialogSendTarget } from '../../../src/sip/dialog/index.js';
import { FakeScheduler } from '../transaction/transaction-fixtures.js';

export { FakeScheduler };

const examples = fileURLToPath(new URL('../../../../fixtures/sip/examples/', import.meta.url));

function parse(bytes: Buffer): SipMessage {
  const result = parseSipMessage(bytes);
  if (!result.ok) throw new Error(`fixture does not parse: ${JSON.stringify(result.verdict)}`);
  return result.message;
}

/** A hand-written example request from fixtures/sip/examples/. */
export function requestFixture(name: string): SipRequest {
  const message = parse(readFileSync(examples + name));
  if (!(message instanceof SipRequest)) throw new Error(`${name} is not a request`);
  return message;
}

export function responseFixture(name: string): SipResponse {
  const message = parse(readFileSync(examples + name));
  if (!(message instanceof SipResponse)) throw new Error(`${name} is not a response`);
  return message;
}

/** A response with some header fields replaced (e.g. another To tag). */
export function withHeaders<M extends SipMessage>(message: M, fields: Record<string, string>): M {
  const copy = message.clone() as M;
  for (const [name, value] of Object.entries(fields)) copy.headers.set(name, value);
  return copy;
}

export const LOCAL: DialogLocalSpec = { version: '0.1.0', via: { transport: 'UDP', host: '192.0.2.10', port: 5060 }, contact: '<sip:1001@192.0.2.10:5060>' };

/** Records what the dialog layer sends, with the fake time, as wire text. */
export class SendLog {
  readonly sent: { at: number; message: SipMessage; target: DialogSendTarget; text: string }[] = [];
  constructor(private readonly clock: FakeScheduler = new FakeScheduler()) {}

  readonly send = (message: SipMessage, target: DialogSendTarget): void => {
    this.sent.push({ at: this.clock.now, message, target, text: serializeSipMessage(message).toString('utf8') });
  };

  /** Sent messages whose start line begins with `prefix` (`ACK `, `BYE `, `SIP/2.0 200`). */
  of(prefix: string): { at: number; message: SipMessage; target: DialogSendTarget; text: string }[] {
    return this.sent.filter((s) => s.text.startsWith(prefix));
  }
}

/** The header lines of a serialized message, `Name: value`, in order. */
export function headerLines(text: string): string[] {
  return text.split('\r\n\r\n')[0]!.split('\r\n').slice(1);
}
