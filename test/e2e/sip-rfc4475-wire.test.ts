/**
 * RFC 4475 torture messages on the wire: each one, byte for byte, sent in a UDP datagram to the daemon
 * (demo mode, `sip.replyPath: "source"` so answers come back to the test's socket, whatever the Via
 * says; T1 of 100 ms so that transactions end sooner, see transactionKey). What the RFC asks of the receiver (the table in test/sip/message/rfc4475-cases.ts):
 * - a valid request gets a response, and not 400;
 * - an invalid request gets the RFC's status (400, 505, 416…);
 * - a response, or a message with nothing to answer to (a 10-digit status code, a huge CSeq), gets none;
 * and the daemon still answers OPTIONS afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { parseSipMessage } from '../../src/sip/message/index.js';
import { loadTorture, RFC2543_INVITE, RFC4475_CASES, type TortureExpect } from '../sip/message/rfc4475-cases.js';
import { sleep, startSmsDaemon } from './sms-daemon.js';

/** How long a message with no answer is watched for one. */
const SILENCE_MS = 400;
/** How long we wait for a final answer once a provisional one came. */
const FINAL_MS = 3000;

interface Answers {
  statuses: number[];
  /** The first answer's reason phrase. */
  reason: string | null;
}

/** Server transaction timeout of a non-INVITE request over UDP: Timer J = 64·T1 (RFC 3261 §17.2.2). */
const T1_MS = 100;
const TIMER_J_MS = 64 * T1_MS;

/**
 * The key that makes a request a retransmission of an earlier one (RFC 3261 §17.2.3: top Via branch,
 * sent-by and method). Some torture messages share one (cparam01 and cparam02, escnull and regescrt);
 * the later one is sent only once the earlier transaction has ended, or it would be absorbed as its
 * retransmission and answered to the earlier socket.
 */
function transactionKey(bytes: Buffer): string | null {
  const r = parseSipMessage(bytes);
  if (!r.ok || r.message.kind !== 'request') return null;
  const via = r.message.vias?.[0];
  return via ? `${via.branch}|${via.host}:${via.port ?? ''}|${r.message.method}` : null;
}

/** Sends `bytes` from a fresh socket and collects the answers until a final one or the deadline. */
async function exchange(port: number, bytes: Buffer, expectAnswer: boolean): Promise<Answers> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const got: Answers = { statuses: [], reason: null };
  let final = false;
  socket.on('message', (msg) => {
    // Only the status line: a 400 copies the request's header fields (RFC 3261 §8.2.6.2), broken ones too.
    const line = /^SIP\/2\.0 (\d{3}) ([^\r\n]*)\r\n/.exec(msg.toString('latin1'));
    if (!line) {
      got.statuses.push(-1);
      return;
    }
    const status = Number(line[1]);
    got.reason ??= line[2]!;
    got.statuses.push(status);
    if (status >= 200) final = true;
  });
  socket.send(bytes, port, '127.0.0.1');
  const end = Date.now() + (expectAnswer ? FINAL_MS : SILENCE_MS);
  while (!final && Date.now() < end) await sleep(20);
  if (!expectAnswer) await sleep(100);
  socket.close();
  return got;
}

function options(port: number): Buffer {
  return Buffer.from(
    [
      `OPTIONS sip:cellgate@127.0.0.1:${port} SIP/2.0`,
      'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-after-torture',
      'From: <sip:probe@127.0.0.1>;tag=p1',
      `To: <sip:cellgate@127.0.0.1:${port}>`,
      'Call-ID: after-torture',
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

function check(name: string, section: string, expect: TortureExpect, got: Answers): string | null {
  const finals = got.statuses.filter((s) => s >= 200 || s < 100);
  const seen = `saw [${got.statuses.join(', ')}]`;
  if ('parses' in expect && expect.parses === 'response') return got.statuses.length === 0 ? null : `§${section} ${name}: a response must not be answered; ${seen}`;
  if ('parses' in expect) {
    if (got.statuses.length === 0) return `§${section} ${name}: a valid request got no answer`;
    return got.statuses.includes(400) || got.statuses.includes(-1) ? `§${section} ${name}: a valid request was refused as malformed; ${seen}` : null;
  }
  if ('discard' in expect) return got.statuses.length === 0 ? null : `§${section} ${name}: nothing can be answered; ${seen}`;
  if (finals[0] !== expect.status) return `§${section} ${name}: expected ${expect.status}; ${seen}`;
  if (expect.reason && !expect.reason.test(got.reason ?? '')) return `§${section} ${name}: reason ${JSON.stringify(got.reason)} does not match ${expect.reason}`;
  return null;
}

test('RFC 4475 torture messages over UDP: valid requests answered (not 400), invalid ones with the RFC status, responses and unanswerable ones silently; OPTIONS after', async (t) => {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { replyPath: 'source', timers: { t1Ms: T1_MS } } } });
  t.after(() => x.stop());
  const port = x.d.sip!.ports.udp;
  const cases: Array<[string, string, TortureExpect]> = [
    ...Object.entries(RFC4475_CASES).map(([name, [section, expect]]) => [name, section, expect] as [string, string, TortureExpect]),
    // §3.4.1: the daemon does not require Max-Forwards, so the RFC 2543 INVITE is a valid request.
    [RFC2543_INVITE, '3.4.1', { parses: 'request' }],
  ];
  const problems: string[] = [];
  const seen: Record<string, number[]> = {};
  const sentAt = new Map<string, number>();
  for (const [name, section, expect] of cases) {
    const bytes = loadTorture(name);
    const key = transactionKey(bytes);
    const earlier = key === null ? undefined : sentAt.get(key);
    if (earlier !== undefined) await sleep(Math.max(0, earlier + TIMER_J_MS + 500 - Date.now()));
    if (key !== null) sentAt.set(key, Date.now());
    const expectAnswer = !('discard' in expect) && !('parses' in expect && expect.parses === 'response');
    const got = await exchange(port, bytes, expectAnswer);
    seen[name] = got.statuses;
    const problem = check(name, section, expect, got);
    if (problem) problems.push(problem);
    // Stay under the per-source rate limit (sip.rateLimit, 20/s): every datagram here comes from 127.0.0.1.
    await sleep(60);
  }
  t.diagnostic(`statuses seen: ${JSON.stringify(seen)}`);
  assert.deepEqual(problems, [], JSON.stringify(seen));
  const after = await exchange(port, options(port), true);
  assert.deepEqual(after.statuses.filter((s) => s >= 200), [200], 'OPTIONS answered after the torture');
});
