/**
 * Keeping a brought-up line's status fresh and following its modem: the signal poll every
 * probeIntervalMs (also the keep-alive the watchdog judges), registration / operator / VoLTE / SIM on a
 * full refresh, and the modem's unsolicited events (registration, calls, SIM, a modem that restarted).
 */
import { AtClosedError } from '../at/types.js';
import type { ModemEvent, Registration } from '../../modem-drivers/types.js';
import { ConnectionLost, type Connection } from './connection.js';
import type { LineContext } from './line-context.js';

export async function monitor(ctx: LineContext, conn: Connection): Promise<void> {
  let n = 0;
  while (ctx.isRunning() && !conn.isLost) {
    await ctx.sleep(ctx.timing.probeIntervalMs);
    if (conn.isLost || !ctx.isRunning()) return;
    n++;
    ctx.checkDataWhenDue();
    try {
      await refresh(ctx, conn, n % ctx.timing.refreshEvery === 0);
    } catch (e) {
      if (e instanceof ConnectionLost || e instanceof AtClosedError) throw e;
      // A timeout is judged by the watchdog (silence), an ERROR reply is the modem's answer: go on polling.
      ctx.log.warn({ err: (e as Error).message }, 'status poll failed');
    }
  }
}

/** Signal every poll (this is also the keep-alive); registration/operator/VoLTE/SIM on `full`. */
export async function refresh(ctx: LineContext, conn: Connection, full: boolean): Promise<void> {
  const { board } = ctx;
  const modem = conn.identified;
  const sig = await modem.netreg.signal();
  conn.alive();
  board.update({ signal: sig.rssi, signalDbm: sig.dbm });
  if (board.st.callState !== 'IDLE') onModemEvent(ctx, conn, { type: 'call-state', calls: await modem.voicecall.list() });
  // Registration, operator and VoLTE: on a full refresh, and on every poll until known (a line that
  // registered through a URC between polls still needs its operator read).
  if (!full && board.phase === 'registered' && board.st.operator !== null) return;
  if (full) {
    const sim = await modem.sim.state();
    if (sim !== 'READY') {
      board.st.sim.state = sim;
      throw new ConnectionLost(`SIM state changed to ${sim}`, false);
    }
  }
  const regs = await modem.netreg.registration();
  conn.alive();
  applyRegistration(ctx, regs);
  if (board.phase === 'registered') {
    if (!conn.timeRead) {
      conn.timeRead = true;
      // NITZ through the modem's clock: the SIM policy's time source when the system clock is not set.
      const t = await modem.netreg.networkTime().catch(() => null);
      if (t) ctx.notify('network-time', t);
    }
    const op = await modem.netreg.operator().catch(() => null);
    conn.alive();
    if (op) board.update({ operator: op.name, plmn: op.plmn, reg: op.rat ?? board.st.reg });
    const volte = await modem.netreg.volte().catch(() => null);
    conn.alive();
    board.update({ volte });
  }
}

/** +CREG / +CGREG / +CEREG (TS 27.007 §7.2): registered (phase registered) or not (sim-ready). */
function applyRegistration(ctx: LineContext, regs: Registration[]): void {
  const { board } = ctx;
  // Prefer the domain with the newest technology that is registered (EPS, then PS, then CS).
  const order = { eps: 0, ps: 1, cs: 2 } as const;
  const sorted = [...regs].sort((a, b) => order[a.domain] - order[b.domain]);
  const reg = sorted.find((r) => r.stat === 'home' || r.stat === 'roaming' || r.stat === 'sms-only');
  if (reg) {
    board.enter('registered', 'ok', { detail: reg.stat === 'roaming' ? 'registered (roaming)' : null, reg: reg.rat ?? (board.st.reg === 'N' ? '4G' : board.st.reg) });
    return;
  }
  const denied = sorted.some((r) => r.stat === 'denied');
  board.enter('sim-ready', denied ? 'denied' : 'searching', {
    detail: denied ? 'registration denied by the network' : 'searching for a network',
    reg: 'N',
    operator: null,
    plmn: null,
    volte: null,
  });
}

/** An event of the line's modem: acted on, then published as the line's 'modem-event'. */
export function onModemEvent(ctx: LineContext, conn: Connection, e: ModemEvent): void {
  if (conn.isLost) return;
  switch (e.type) {
    case 'registration':
      // During bring-up (before the SIM is ready) a +CREG/+CEREG report must not mark the line
      // registered: the bring-up reads the registration itself once it reaches sim-ready.
      if (ctx.board.phase === 'sim-ready' || ctx.board.phase === 'registered') applyRegistration(ctx, [e.reg]);
      break;
    case 'ring':
    case 'clip':
      ctx.calls.onModemEvent(e);
      break;
    case 'call-ended':
      // With two calls up the end does not say which: the second-call leg lists them and tells each.
      if (ctx.second.up) void ctx.second.reconcile(e.reason);
      else ctx.calls.onModemEvent(e);
      break;
    case 'call-state':
      ctx.calls.onModemEvent(e);
      if (ctx.second.up && e.calls.every((c) => c.mode !== 'voice')) ctx.second.end('NO CARRIER');
      break;
    case 'dtmf':
      ctx.calls.onModemEvent(e);
      break;
    case 'call-waiting':
      ctx.second.waiting(e.number);
      break;
    case 'sim-state':
      if (e.state !== 'READY') conn.lose(new ConnectionLost(`SIM state changed to ${e.state}`, false));
      break;
    case 'modem-ready':
      // The modem restarted on its own (boot URCs such as RDY): bring it up again from the start.
      if (ctx.board.st.lifecycle !== 'probe') conn.lose(new ConnectionLost('modem restarted by itself', false));
      break;
    default:
      break;
  }
  ctx.notify('modem-event', e);
}
