/**
 * Which configuration settings the running daemon applies as soon as they are saved, as the wiring
 * reads them: through a getter at each use (`config.get()` per request, per call, per bind) or a
 * change listener. Everything else is read once at start and waits for a restart. Keep this list in
 * step with the wiring: a setting listed here must really be read live.
 */
const LIVE_SETTINGS: readonly string[] = [
  // Handed to the SIM policy engine on save (config routes' `applied`, like PUT /api/policy).
  'policy',
  // Ring timeout read at each call (app.ts RingThenRejectRouter).
  'calls',
  // Accounts read at each bind (sms-routes "applied to new binds").
  'smpp.accounts',
  // Read at each state-changing request (csrf.ts via http.ts allowedOrigins).
  'http.allowedOrigins',
  // Read at each device status and SMS info reply.
  'device.name',
  // SIP parts with a change listener (sip-accounts.ts, call-waiting.ts) or a getter per use (app.ts).
  'sip.registration',
  'sip.trunk',
  'sip.registrar',
  'sip.callWaiting',
  'sip.keepAlive',
  'sip.cdr',
  'sip.media',
];

/** True when the setting at `path` (e.g. `sip.media.rtpPorts`, `calls`) applies without a restart. */
export function appliesLive(path: string): boolean {
  return LIVE_SETTINGS.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}
