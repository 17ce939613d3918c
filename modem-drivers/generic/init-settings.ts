/**
 * The settings a modem is put into, as data (each inner list holds alternatives; the first OK wins). A
 * family passes its own lists to the capabilities when it needs different ones.
 */
import { attempt, required, type Setting } from './steps.js';

/**
 * Applied by Modem.init(), in order.
 * - `ATE0V1`: echo off (V.250 §6.2.4) and verbose result codes (§6.2.6), in one line so a modem left in
 *   ATV0 by another program (numeric `0\r` instead of `OK`) is put right by the same command.
 * - `AT+CMEE=1`: numeric +CME ERROR codes (TS 27.007 §9.1). Numbers are what the driver branches on
 *   (10 = SIM not inserted, 16 = wrong PIN); the verbose texts of CMEE=2 differ between vendors and
 *   firmware, and error-codes.ts turns numbers into text for people anyway.
 * - `AT+CSCS="IRA"` (TS 27.007 §5.5): a previous user (gammu sets "HEX", others "UCS2") may have left a
 *   character set in which +CUSD/+CNUM/+CSCA strings arrive hex-encoded; IRA, else GSM, makes them text.
 * - `AT+CREG=2`, `AT+CGREG=2`, `AT+CEREG=2`: registration URCs with location and <AcT> (TS 27.007 §7.2,
 *   §10.1.20, §10.1.22); =1 on modems that refuse 2; an old 2G modem without +CEREG simply skips it.
 * - `AT+CLIP=1`: caller id with RING (§7.6). `AT+CMGF=0`: PDU mode (TS 27.005 §3.2.3), required.
 * - `AT+COPS=3,2`: +COPS? reports the numeric PLMN (§7.3); the operator name is read separately.
 */
export const GENERIC_INIT_SETTINGS: readonly Setting[] = [
  [attempt('ATE0V1'), required('ATE0')],
  [attempt('AT+CMEE=1')],
  [attempt('AT+CSCS="IRA"'), attempt('AT+CSCS="GSM"')],
  [attempt('AT+CREG=2'), attempt('AT+CREG=1')],
  [attempt('AT+CGREG=2'), attempt('AT+CGREG=1')],
  [attempt('AT+CEREG=2'), attempt('AT+CEREG=1')],
  [attempt('AT+CLIP=1')],
  [required('AT+CMGF=0')],
  [attempt('AT+COPS=3,2')],
];

/**
 * Applied by SmsCapability.init(), once the SIM is ready.
 * - `AT+CSMS=1` (TS 27.005 §3.2.1): phase 2+ message service, the one in which +CNMA exists.
 * - `AT+CPMS="ME","ME","ME"` (§3.2.2): read/delete, write/send and receive storage in the modem's
 *   own memory (usually larger than the SIM's); "SM" (SIM) when the modem has none.
 * - `AT+CNMI=2,1,0,2,0` (§3.4.1), chosen so that nothing is lost if the daemon is down or dies:
 *   mode 2 buffers indications while the TA-TE link is busy (during a command, at the `> ` prompt)
 *   and flushes them afterwards instead of dropping them; mt 1 stores every SMS-DELIVER in <mem3>
 *   and only announces its place with +CMTI, so the message stays on the modem until we have stored it
 *   durably and deleted it with +CMGD (with mt 2 the PDU would exist only on the serial line, and with
 *   +CSMS=1 an unacknowledged +CMT is lost to us); bm 0 no cell broadcast; ds 2 stores status reports
 *   and announces them with +CDSI, for the same reason; bfr 0 flushes what was buffered.
 *   Fallbacks: ds 1 (+CDS, to be acknowledged with +CNMA since +CSMS=1), then the minimum `2,1`.
 */
export const GENERIC_SMS_SETTINGS: readonly Setting[] = [
  [attempt({ cmd: 'AT+CSMS=1', prefixes: ['+CSMS:'] })],
  [attempt({ cmd: 'AT+CPMS="ME","ME","ME"', prefixes: ['+CPMS:'] }), attempt({ cmd: 'AT+CPMS="SM","SM","SM"', prefixes: ['+CPMS:'] })],
  [attempt('AT+CNMI=2,1,0,2,0'), attempt('AT+CNMI=2,1,0,1,0'), required('AT+CNMI=2,1')],
];
