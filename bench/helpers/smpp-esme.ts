/**
 * The load-generating ESME of bench/smpp-accept.bench.ts, run as a child process (fork) so that the
 * client's CPU does not share the server's event loop — and, for cellgate, so that the client keeps
 * reading and writing while the server's thread sits in fsync. The same script drives both servers.
 *
 * It binds as a transmitter with the `smpp` library's client and, on each `run` message from the
 * parent, keeps exactly `window` submit_sm outstanding for `warmupMs + seconds`: a new submit goes as
 * soon as a response comes. Only submits sent after the warm-up and answered before the end count;
 * their submit → submit_sm_resp times give the percentiles.
 *
 * IPC: parent → child `{ type: 'run', window, seconds, warmupMs }` | `{ type: 'quit' }`;
 *      child → parent `{ type: 'bound' }` | `{ type: 'result', ... }` | `{ type: 'error', message }`.
 * argv: port system_id password.
 */
import smpp, { type PduInstance, type Session } from 'smpp';

export interface RunRequest {
  type: 'run';
  window: number;
  seconds: number;
  warmupMs: number;
}

export interface RunResult {
  type: 'result';
  window: number;
  /** Answered with command_status 0 within the measured interval (the rate). */
  accepted: number;
  /** Answered with another status within the measured interval. */
  refused: number;
  firstRefusal: number | null;
  seconds: number;
  /** submit → submit_sm_resp in ms, of the submits sent and answered within the interval. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export type ChildMessage = { type: 'bound' } | RunResult | { type: 'error'; message: string };

function send(m: ChildMessage): void {
  process.send?.(m);
}

function fail(message: string): never {
  send({ type: 'error', message });
  process.exit(1);
}

const [portArg, systemId, password] = process.argv.slice(2);
const port = Number(portArg);
if (!(port > 0) || !systemId || password === undefined) fail('smpp-esme: usage: <port> <system_id> <password>');

const session: Session = smpp.connect({ host: '127.0.0.1', port });
session.on('error', (e: Error) => fail(`smpp-esme: ${e.message}`));
session.socket.setNoDelay(true);

const call = (cmd: string, fields: Record<string, unknown>): Promise<PduInstance> =>
  new Promise((resolve) => {
    session.send(new smpp.PDU(cmd, fields), resolve);
  });

// Plain ASCII text in GSM 7-bit unpacked form is the same bytes; data_coding 0 set by hand (see ARCHITECTURE.md).
const body = (n: number): Buffer => Buffer.from(`cellgate bench message ${n}`, 'latin1');
const fields = (n: number): Record<string, unknown> => ({
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: '8613800000001',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: '8613912345678',
  data_coding: 0,
  registered_delivery: 1,
  short_message: body(n),
});

let counter = 0;

function run(req: RunRequest): Promise<RunResult> {
  return new Promise((resolve) => {
    const lat: number[] = [];
    let accepted = 0;
    let refused = 0;
    let firstRefusal: number | null = null;
    let outstanding = 0;
    const t0 = performance.now();
    const measureFrom = t0 + req.warmupMs;
    const end = measureFrom + req.seconds * 1000;
    let stopped = false;
    let endedAt = end;

    const one = (): void => {
      const sentAt = performance.now();
      outstanding++;
      session.send(new smpp.PDU('submit_sm', fields(++counter)), (resp: PduInstance) => {
        outstanding--;
        const now = performance.now();
        if (now >= measureFrom && now <= end) {
          if (resp.command_status === 0) {
            accepted++;
            if (sentAt >= measureFrom) lat.push(now - sentAt);
          } else {
            refused++;
            firstRefusal ??= resp.command_status;
          }
        }
        if (now < end) one();
        else if (!stopped) {
          stopped = true;
          endedAt = now;
        }
        if (stopped && outstanding === 0) finish();
      });
    };
    const finish = (): void => {
      lat.sort((a, b) => a - b);
      const at = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.max(0, Math.ceil((p / 100) * lat.length) - 1))]! : NaN);
      resolve({
        type: 'result',
        window: req.window,
        accepted,
        refused,
        firstRefusal,
        seconds: (Math.min(endedAt, end) - measureFrom) / 1000,
        p50: at(50),
        p99: at(99),
        max: lat.length ? lat[lat.length - 1]! : NaN,
        mean: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : NaN,
      });
    };
    for (let i = 0; i < req.window; i++) one();
  });
}

session.on('connect', () => {
  void call('bind_transmitter', { system_id: systemId, password }).then((r) => {
    if (r.command_status !== 0) fail(`smpp-esme: bind_transmitter refused with status 0x${r.command_status.toString(16)}`);
    send({ type: 'bound' });
  });
});

process.on('message', (m: RunRequest | { type: 'quit' }) => {
  if (m.type === 'run') {
    void run(m).then(send);
  } else if (m.type === 'quit') {
    const done = (): void => {
      session.destroy();
      process.exit(0);
    };
    const t = setTimeout(done, 2000);
    void call('unbind', {}).then(() => {
      clearTimeout(t);
      done();
    });
  }
});
process.on('disconnect', () => process.exit(0));
