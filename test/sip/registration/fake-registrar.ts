/**
 * A registrar played in memory: every REGISTER sent through `send` is recorded with the time and the
 * next hop, and answered by the test's `answer` function (a real DigestServer checks credentials).
 */
import { createResponse, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import { DigestServer } from '../../../src/sip/auth/index.js';
import type { RegisterResult, RegistrationAccount, SendRegister, SipServerAddress } from '../../../src/sip/registration/index.js';
import { FakeScheduler } from '../transaction/transaction-fixtures.js';

export interface SentRegister {
  readonly at: number;
  readonly request: SipRequest;
  readonly nextHop: SipServerAddress;
}

export type Answer = (request: SipRequest, nextHop: SipServerAddress) => RegisterResult | 'never';

export const server = (host: string, port = 5060): SipServerAddress => ({ host, port, transport: 'udp' });

export const account = (overrides: Partial<RegistrationAccount> = {}): RegistrationAccount => ({
  authId: '8001',
  password: 'pa55-secret',
  registrar: server('pbx.example.com'),
  expiresSeconds: 3600,
  ...overrides,
});

export const respond = (request: SipRequest, code: number, reason: string, headers: [string, string][] = []): RegisterResult => ({
  kind: 'response',
  response: createResponse(request, code, reason, { version: 'test', headers }),
});

/** The Contact value sent (without parameters) and its expires parameter. */
export function contactOf(request: SipRequest): { uri: string; expires: number } {
  const value = request.headers.get('contact') ?? '';
  const uri = /<([^>]+)>/.exec(value)?.[1] ?? '';
  return { uri, expires: Number(/;expires=(\d+)/.exec(value)?.[1]) };
}

export class FakeRegistrar {
  readonly clock = new FakeScheduler();
  readonly sent: SentRegister[] = [];
  readonly digest = new DigestServer({ realm: 'pbx.example.com', secret: Buffer.alloc(32, 7), now: () => this.clock.now });
  answer: Answer = (request) => this.challengeThenOk(request);
  /** Real password at the registrar. */
  password = 'pa55-secret';

  readonly send: SendRegister = (request, nextHop) => {
    this.sent.push({ at: this.clock.now, request, nextHop });
    const result = this.answer(request, nextHop);
    return result === 'never' ? new Promise<RegisterResult>(() => undefined) : Promise.resolve(result);
  };

  /** 401 without valid credentials; 200 granting what was asked (the Contact echoed with its expires). */
  challengeThenOk(request: SipRequest, grant?: number): RegisterResult {
    const credentials = request.headers.get('authorization');
    const verdict = credentials === undefined ? undefined : this.digest.verify({ credentials, method: request.method, requestUri: request.uri }, () => ({ password: this.password }));
    if (verdict?.verdict !== 'ok') {
      const challenge = this.digest.challenge({ stale: verdict?.verdict === 'stale' });
      return respond(request, 401, 'Unauthorized', challenge.values.map((v) => [challenge.header, v]));
    }
    return this.ok(request, grant);
  }

  ok(request: SipRequest, grant?: number): RegisterResult {
    const { uri, expires } = contactOf(request);
    const seconds = grant === undefined ? expires : Math.min(grant, expires);
    return respond(request, 200, 'OK', expires === 0 ? [] : [['Contact', `<${uri}>;expires=${seconds}`]]);
  }

  /** Lets pending promise callbacks run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Advances fake time and lets the answers sent meanwhile be handled. */
  async advance(ms: number, stepMs = 1000): Promise<void> {
    for (let done = 0; done < ms; done += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - done));
      await this.settle();
    }
  }
}

export const responseOf = (result: RegisterResult): SipResponse | undefined => (result.kind === 'response' ? result.response : undefined);
