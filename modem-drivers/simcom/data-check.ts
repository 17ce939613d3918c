/**
 * SIMCom data connectivity check (the manual's "HTTP access test"): AT+CGDCONT=1,"IP","<apn>" (when an
 * APN is given), AT+HTTPINIT (starts the HTTP service and brings up the data connection),
 * AT+HTTPPARA="URL","<url>", AT+HTTPACTION=0 answers OK and later `+HTTPACTION: 0,<status>,<length>` (a
 * status of 600 and up is the module's own error), AT+HTTPTERM at the end, also after a failure. Codes
 * and sources in ./http.ts. One check at a time per modem.
 */
import type { AtCommand } from '../../src/at/types.js';
import type { DataCheckCapability } from '../capabilities.js';
import { HttpCheckError, type HttpCheckFailure, type HttpCheckOptions, type HttpCheckResult } from '../types.js';
import type { AtContext } from '../generic/at-context.js';
import { describeFinal } from '../generic/error-codes.js';
import { oneAtATime } from '../generic/one-at-a-time.js';
import type { ResultUrcWaiters } from '../generic/result-urc.js';
import { checkHttpRequest, describeSimcomHttpError, isSimcomHttpError, parseHttpAction, simcomHttpFailure, SIMCOM_URL_MAX } from './http.js';

const TIMEOUTS = {
  /** Extra wait for +HTTPACTION beyond the check's time, so the module's own error code arrives first. */
  urcSlackMs: 5_000,
  httpTerm: 5_000,
};

export class SimcomDataCheck implements DataCheckCapability {
  readonly httpCheck: (opts: HttpCheckOptions) => Promise<HttpCheckResult> = oneAtATime((opts) => this.run(opts));

  constructor(
    private readonly at: AtContext,
    private readonly results: ResultUrcWaiters,
  ) {}

  private async run(opts: HttpCheckOptions): Promise<HttpCheckResult> {
    const req = checkHttpRequest(opts, SIMCOM_URL_MAX);
    if (!req.ok) throw new HttpCheckError('invalid-request', req.error);
    const { url, apn, seconds } = req.value;
    const waitMs = seconds * 1000 + TIMEOUTS.urcSlackMs;

    // PDP context 1 (TS 27.007 §10.1.1), the one the HTTP service uses.
    if (apn !== undefined) await this.step({ cmd: `AT+CGDCONT=1,"IP","${apn}"` }, 'no-data-connection', `setting APN "${apn}" on PDP context 1 failed`);
    const init: AtCommand = { cmd: 'AT+HTTPINIT', timeoutMs: waitMs, network: true };
    const first = await this.at.channel.send(init);
    if (!first.ok) {
      // A session an earlier check (or another program) left open refuses a second HTTPINIT: close, retry.
      this.at.log.debug({ final: describeFinal(first.final) }, 'AT+HTTPINIT refused; terminating a leftover session and retrying');
      await this.httpTerm();
      await this.step(init, 'no-data-connection', 'the HTTP service could not start: no data connection');
    }
    try {
      await this.step({ cmd: `AT+HTTPPARA="URL","${url}"` }, 'invalid-request', 'the modem refused the URL');
      const started = Date.now();
      const r = await this.results.await(
        '+HTTPACTION:',
        parseHttpAction,
        waitMs,
        async () => {
          await this.step({ cmd: 'AT+HTTPACTION=0', bare: false, timeoutMs: waitMs, network: true }, 'modem', 'the GET request was refused');
        },
        (kind, detail) => (kind === 'timeout' ? new HttpCheckError('timeout', detail) : new HttpCheckError('modem', `AT+HTTPACTION: ${detail}`)),
      );
      const ms = Date.now() - started;
      if (isSimcomHttpError(r.status)) throw new HttpCheckError(simcomHttpFailure(r.status), `GET ${url}: ${describeSimcomHttpError(r.status)}`, r.status);
      return { status: r.status, bytes: r.length, ms };
    } finally {
      await this.httpTerm();
    }
  }

  /** AT+HTTPTERM; a refusal (no session) or a timeout is logged, not thrown. */
  private async httpTerm(): Promise<void> {
    try {
      const r = await this.at.channel.send({ cmd: 'AT+HTTPTERM', timeoutMs: TIMEOUTS.httpTerm });
      if (!r.ok) this.at.log.debug({ final: describeFinal(r.final) }, 'AT+HTTPTERM refused');
    } catch (err) {
      this.at.log.warn({ err }, 'AT+HTTPTERM failed');
    }
  }

  /** Sends one command of the check; a refusal becomes an HttpCheckError. */
  private async step(command: AtCommand, kind: HttpCheckFailure, what: string): Promise<string[]> {
    const r = await this.at.channel.send(command);
    if (r.ok) return r.lines;
    const f = r.final;
    throw new HttpCheckError(kind, `${command.cmd}: ${what} (${describeFinal(f)})`, f.kind === 'CME ERROR' ? f.code : null);
  }
}
