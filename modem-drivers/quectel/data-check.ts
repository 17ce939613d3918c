/**
 * Quectel data connectivity check (the manual's "HTTP access test"): PDP context 1 set with AT+QICSGP
 * (when an APN is given) and activated with AT+QIACT=1 unless AT+QIACT? lists it;
 * AT+QHTTPCFG="contextid",1; the URL uploaded with AT+QHTTPURL (CONNECT, the URL bytes, OK);
 * AT+QHTTPGET=<seconds> answers OK and later the URC `+QHTTPGET: <err>[,<status>[,<length>]]`. Error codes
 * and sources in ./http.ts. One check at a time per modem.
 */
import type { AtCommand } from '../../src/at/types.js';
import type { DataCheckCapability } from '../capabilities.js';
import { HttpCheckError, type HttpCheckFailure, type HttpCheckOptions, type HttpCheckResult } from '../types.js';
import type { AtContext } from '../generic/at-context.js';
import { describeFinal } from '../generic/error-codes.js';
import { oneAtATime } from '../generic/one-at-a-time.js';
import type { ResultUrcWaiters } from '../generic/result-urc.js';
import { checkHttpRequest, describeQuectelHttpError, parseQhttpget, parseQiact, quectelHttpFailure, QUECTEL_URL_MAX } from './http.js';

const TIMEOUTS = {
  /** <timeout> of AT+QHTTPURL: the URL bytes follow CONNECT at once. */
  urlInputSeconds: 10,
  /** Extra wait for +QHTTPGET beyond the modem's own <rsptime>, so its error code arrives before ours. */
  urcSlackMs: 5_000,
};

export class QuectelDataCheck implements DataCheckCapability {
  readonly httpCheck: (opts: HttpCheckOptions) => Promise<HttpCheckResult> = oneAtATime((opts) => this.run(opts));

  constructor(
    private readonly at: AtContext,
    private readonly results: ResultUrcWaiters,
  ) {}

  private async run(opts: HttpCheckOptions): Promise<HttpCheckResult> {
    const req = checkHttpRequest(opts, QUECTEL_URL_MAX);
    if (!req.ok) throw new HttpCheckError('invalid-request', req.error);
    const { url, apn, seconds } = req.value;
    const waitMs = seconds * 1000 + TIMEOUTS.urcSlackMs;

    // PDP context 1: IPv4 (<context_type> 1), no user name or password, <authentication> 1 as in the
    // TCP/IP manual's example.
    if (apn !== undefined) await this.step({ cmd: `AT+QICSGP=1,1,"${apn}","","",1` }, 'no-data-connection', `setting APN "${apn}" on PDP context 1 failed`);
    const rows = await this.step({ cmd: 'AT+QIACT?', prefixes: ['+QIACT:'] }, 'modem', 'reading the PDP contexts failed');
    const active = rows.some((l) => {
      const r = parseQiact(l);
      return r.ok && r.value.contextId === 1 && r.value.active;
    });
    if (!active) {
      await this.step(
        { cmd: 'AT+QIACT=1', timeoutMs: waitMs, network: true },
        'no-data-connection',
        `PDP context 1${apn !== undefined ? ` (APN "${apn}")` : ''} could not be activated: no data connection`,
      );
    }
    await this.step({ cmd: 'AT+QHTTPCFG="contextid",1' }, 'modem', 'selecting PDP context 1 for HTTP failed');
    await this.step(
      { cmd: `AT+QHTTPURL=${url.length},${TIMEOUTS.urlInputSeconds}`, connectData: url, timeoutMs: TIMEOUTS.urlInputSeconds * 1000 + 5000 },
      'invalid-request',
      'the modem refused the URL',
    );

    const started = Date.now();
    const result = await this.results.await(
      '+QHTTPGET:',
      parseQhttpget,
      waitMs,
      async () => {
        await this.step({ cmd: `AT+QHTTPGET=${seconds}`, bare: false, timeoutMs: waitMs, network: true }, 'modem', 'the GET request was refused');
      },
      (kind, detail) => (kind === 'timeout' ? new HttpCheckError('timeout', detail) : new HttpCheckError('modem', `AT+QHTTPGET: ${detail}`)),
    );
    const ms = Date.now() - started;
    if (result.err !== 0) throw new HttpCheckError(quectelHttpFailure(result.err), `GET ${url}: ${describeQuectelHttpError(result.err)}`, result.err);
    return { status: result.status ?? 0, bytes: result.length ?? 0, ms };
  }

  /** Sends one command of the check; a refusal becomes an HttpCheckError (HTTP codes 7xx explained). */
  private async step(command: AtCommand, kind: HttpCheckFailure, what: string): Promise<string[]> {
    const r = await this.at.channel.send(command);
    if (r.ok) return r.lines;
    const f = r.final;
    if (f.kind === 'CME ERROR' && f.code !== null && f.code >= 700 && f.code < 800) {
      throw new HttpCheckError(quectelHttpFailure(f.code), `${command.cmd}: ${what}: ${describeQuectelHttpError(f.code)}`, f.code);
    }
    throw new HttpCheckError(kind, `${command.cmd}: ${what} (${describeFinal(f)})`, f.kind === 'CME ERROR' ? f.code : null);
  }
}
