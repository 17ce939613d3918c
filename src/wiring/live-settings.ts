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
  // Read through getters by the SMS router, scheduler, receivers' command screen and retention (sms.ts).
  'sms',
  // The SMPP backend reads its section through a getter (sms.ts): accounts at each bind.
  'smpp.accounts',
  'smpp.lineNumber',
  'smpp.maxSubmitsPerSecond',
  // Recipient prefixes per line, read by the SMS router at each message (sms.ts).
  'lines[].prefixes',
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

/** Inside a live setting above, what is still read once at start. */
const READ_AT_START: readonly string[] = [
  // Given to each line's SMS receiver when it is attached.
  'sms.partTimeoutSec',
];

/** `lines[0].prefixes` → `lines[].prefixes`: list positions do not matter here. */
function generic(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

function under(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/** True when the setting at `path` (e.g. `sip.media.rtpPorts`, `calls`) applies without a restart. */
export function appliesLive(path: string): boolean {
  const g = generic(path);
  return under(g, LIVE_SETTINGS) && !under(g, READ_AT_START);
}
