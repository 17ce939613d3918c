/**
 * Bringing a modem up on a fresh connection, one phase after the other (lifecycle.ts): probe (ESC, then
 * AT until it answers) → identify (TS 27.007 §5.1-§5.4, family chosen, its capabilities opened and
 * initialised) → enable (SIM slot bound, IMEI as configured, operator selection §7.3) → SIM ready
 * (§8.3, PIN) → sim-ready, then the first registration read (monitor.ts).
 */
import { AtTimeoutError } from '../at/types.js';
import { identifyModem, openModem } from '../../modem-drivers/modem.js';
import { detectFamily } from '../../modem-drivers/index.js';
import { ConnectionLost, type Connection } from './connection.js';
import { prepareCallAudio } from './call-audio.js';
import { clearRadio, type LineContext } from './line-context.js';
import { onModemEvent, refresh } from './monitor.js';

/** Why a silent modem may stay silent: the line has no way to power-cycle it (docs/configuration.md). */
export const NOT_POWER_CYCLED = 'it could not be power-cycled (no USB device to re-authorise and no reset.command configured)';

export async function bringUp(ctx: LineContext, conn: Connection): Promise<void> {
  const { board, log, opts } = ctx;
  // Health is ok only once the modem answers; a modem that did not answer the last attempt is unresponsive.
  const attempt = ++ctx.attempts.unanswered;
  // A hung modem answers again only once powered off and on: say so when nothing could do that.
  const stuck = ctx.attempts.notPowerCycled ? `; ${NOT_POWER_CYCLED}` : '';
  board.enter(
    'probe',
    attempt === 1 ? 'starting' : 'unresponsive',
    { detail: attempt === 1 ? 'waiting for the modem to answer' : `modem has not answered yet (attempt ${attempt})${stuck}` },
  );
  await probe(conn);
  ctx.attempts.unanswered = 0;
  ctx.attempts.notPowerCycled = false;
  conn.alive();
  board.enter('identify', 'ok', { detail: 'identifying the modem' });

  const id = await identifyModem(conn.channel, { log });
  const family = opts.family && opts.family !== 'auto' ? opts.family : detectFamily({
    manufacturer: id.manufacturer,
    model: id.model,
    revision: id.revision,
    usbVendorId: conn.opened.usbVendorId,
    usbProductId: conn.opened.usbProductId,
  });
  if (opts.imei && id.imei !== opts.imei) {
    throw new Error(`the modem on ${conn.opened.path} has IMEI ${id.imei}, but line ${ctx.id} is configured for IMEI ${opts.imei}`);
  }
  const pcm = opts.audio?.pcm;
  const modem = openModem(family, conn.channel, { log, ...(pcm ? { pcmSampleRate: pcm.sampleRate, pcmFrameMs: pcm.frameMs } : {}) });
  conn.modem = modem;
  board.update({
    modem: { ...board.st.modem, family, manufacturer: id.manufacturer, model: id.model, firmware: id.revision, imei: id.imei },
  });
  log.info({ family, model: id.model, imei: id.imei, port: conn.opened.path }, 'modem identified');
  modem.onEvent((e) => onModemEvent(ctx, conn, e));
  await modem.init();
  conn.alive();
  // Only worth it when the port provider found the modem's audio port.
  if (conn.opened.audio) await prepareCallAudio(modem.audio, log);
  conn.alive();

  board.enter('enable', undefined, { detail: 'enabling' });
  await ctx.slots.bind(conn);
  conn.alive();
  const imei = opts.imeiFor?.(board.st.slot ?? 'A') ?? null;
  if (imei && imei !== id.imei) {
    if (!modem.imei) throw new Error(`line ${ctx.id}'s modem (family ${family}) has no imei`);
    log.warn({ from: id.imei, to: imei }, 'writing IMEI as configured (security.allowImeiWrite)');
    await modem.imei.write(imei);
    board.update({ modem: { ...board.st.modem, imei } });
  }
  await applyOperator(ctx, conn);
  conn.alive();

  await simReady(ctx, conn);
  conn.alive();
  board.enter('sim-ready', undefined, { detail: 'waiting for network registration' });
  await refresh(ctx, conn, true);
}

/** ESC (leave a prompt some earlier program left open) then AT until the modem answers. */
async function probe(conn: Connection): Promise<void> {
  conn.channel.escape();
  for (let i = 0; ; i++) {
    try {
      const r = await conn.channel.send({ cmd: 'AT', timeoutMs: 1500 });
      if (r.ok) return;
    } catch (e) {
      if (!(e instanceof AtTimeoutError)) throw e;
      if (i >= 3) throw new ConnectionLost('modem does not answer AT', true);
    }
  }
}

/** Operator selection as configured (manual §4.11; TS 27.007 §7.3 +COPS). */
async function applyOperator(ctx: LineContext, conn: Connection): Promise<void> {
  const netreg = conn.identified.netreg;
  const sel = ctx.opts.operator ?? { mode: 'auto' };
  const cur = await netreg.operator().catch(() => null);
  if (sel.mode === 'manual') {
    if (cur?.mode !== 'manual' || cur.plmn !== sel.plmn) {
      ctx.log.info({ plmn: sel.plmn }, 'selecting operator manually (manual §4.11)');
      await netreg.select({ mode: 'manual', plmn: sel.plmn });
    }
  } else if (cur?.mode === 'manual') {
    await netreg.select({ mode: 'auto' });
  }
}

/** Waits for the card (sim-readiness.ts), then reads it and sets SMS reception up. */
async function simReady(ctx: LineContext, conn: Connection): Promise<void> {
  const { board } = ctx;
  const modem = conn.identified;
  for (;;) {
    const state = await modem.sim.state();
    conn.alive();
    board.st.sim.state = state;
    if (state === 'READY') {
      ctx.sim.ready(board.st.slot);
      break;
    }
    if (await ctx.sim.notReady(modem.sim, state)) continue;
    clearRadio(ctx);
    await ctx.sleep(ctx.timing.simRetryMs);
    if (conn.isLost) throw new ConnectionLost('lost while waiting for the SIM', false);
  }
  const s = modem.sim;
  const [iccid, imsi, number] = [await s.iccid().catch(() => null), await s.imsi().catch(() => null), await s.ownNumber().catch(() => null)];
  conn.alive();
  const change = board.endSwitch();
  if (change) ctx.log.info({ from: change.from, to: change.to, ms: ctx.now() - change.since }, 'SIM slot switched');
  board.enter('enable', 'ok', { ...(change ? { detail: null } : {}), sim: { state: 'READY', iccid, imsi, number } });
  ctx.notify('sim-bound', { slot: board.st.slot, iccid });
  try {
    await modem.sms.init();
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message }, 'SMS set-up failed; SMS may not be received on this line');
  }
}
