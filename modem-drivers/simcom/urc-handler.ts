/**
 * SIMCom URCs, handled before the generic ones: start-up (SMS DONE, PB DONE), the +HTTPACTION result of
 * the data check and its notifications, the call URCs, and +RXDTMF (a DTMF key the far end pressed).
 *
 * `VOICE CALL: BEGIN` means the call is connected: +CLCC is read and sent as 'call-state'.
 * `VOICE CALL: END: <time>` and `MISSED_CALL: <time> <number>` end a call: SIM7600 firmware does not
 * reliably follow VOICE CALL: END with NO CARRIER (and a missed call may end with MISSED_CALL only), so
 * each of these ends the call, but only one 'call-ended' is emitted per call: a NO CARRIER / BUSY /
 * NO ANSWER within the grace time before or after wins (it carries the network's reason); otherwise
 * VOICE CALL: END gives reason 'HANGUP' and MISSED_CALL gives 'NO ANSWER' (nobody answered). An end that
 * belongs to a call already ended (by our own hang-up or a result code) is dropped: see ./call-end.ts.
 */
import type { Urc, UrcSpec } from '../../src/at/types.js';
import type { VoiceCallCapability } from '../capabilities.js';
import type { ModemCore } from '../generic/modem-core.js';
import type { UrcHandler } from '../generic/urc-events.js';
import type { CallEndTracker } from './call-end.js';
import { parseMissedCall, parseRxDtmf, parseVoiceCallEnd } from './parse.js';

export const SIMCOM_URCS: readonly UrcSpec[] = [
  { prefix: 'SMS DONE' },
  { prefix: 'PB DONE' },
  { prefix: 'VOICE CALL:' },
  { prefix: 'MISSED_CALL:' },
  { prefix: '+HTTPACTION:' },
  { prefix: '+HTTP_PEER_CLOSED' },
  { prefix: '+HTTP_NONET_EVENT' },
  { prefix: '+RXDTMF:' },
];

/** How long a vendor call end waits for a standard one, unless the options say otherwise (ms). */
export const DEFAULT_CALL_END_GRACE_MS = 500;

/** What the SIMCom URCs keep for later reading. */
export interface SimcomUrcState {
  /** Seconds reported by the last `VOICE CALL: END: <time>` (null when unreadable or none yet). */
  lastCallSeconds: number | null;
}

export function simcomUrcHandler(core: ModemCore, voicecall: VoiceCallCapability, state: SimcomUrcState, ends: CallEndTracker): UrcHandler {
  const { events, startup, results } = core;
  const log = events.log;

  /** `VOICE CALL: BEGIN`: the call is connected; report the calls so the line sees it active. */
  const callConnected = () =>
    voicecall.list().then(
      (calls) => events.emit({ type: 'call-state', calls }),
      (err: unknown) => log.warn({ err }, 'AT+CLCC after VOICE CALL: BEGIN failed'),
    );

  return (urc: Urc): boolean => {
    const line = urc.line.trim();
    if (line === 'SMS DONE') {
      startup.record('sms-done');
      return true;
    }
    if (line === 'PB DONE') {
      startup.record('pb-done');
      return true;
    }
    if (line.startsWith('+HTTPACTION:')) {
      if (!results.take(line)) log.debug({ urc: line }, '+HTTPACTION with no check waiting (a check that timed out)');
      return true;
    }
    if (line === '+HTTP_PEER_CLOSED' || line === '+HTTP_NONET_EVENT') {
      // Notifications only: the result (or the error code) still comes with +HTTPACTION.
      log.debug({ urc: line }, 'HTTP service notification');
      return true;
    }
    if (line === 'RING') {
      // A new incoming call: a vendor end still waiting belongs to the call before (./call-end.ts).
      ends.ringing();
      return false; // the generic handler reports the ring
    }
    if (line.startsWith('VOICE CALL:')) {
      if (/^VOICE CALL:\s*BEGIN$/.test(line)) {
        void callConnected();
        return true;
      }
      const end = parseVoiceCallEnd(line);
      if (!end.ok) return false;
      state.lastCallSeconds = end.value.seconds;
      log.debug({ seconds: end.value.seconds }, 'VOICE CALL: END');
      ends.vendorEnd('HANGUP');
      return true;
    }
    if (line.startsWith('+RXDTMF:')) {
      const key = parseRxDtmf(line);
      if (key.ok) events.emit({ type: 'dtmf', key: key.value });
      else log.debug({ urc: line }, key.error);
      return true;
    }
    if (line.startsWith('MISSED_CALL:')) {
      const m = parseMissedCall(line);
      if (!m.ok) return false;
      log.info({ time: m.value.time, number: m.value.number }, 'missed call');
      ends.vendorEnd('NO ANSWER');
      return true;
    }
    return false;
  };
}
