/**
 * The Quectel settings applied after the generic ones (../generic/init-settings.ts), as data.
 *
 * - `AT+QINDCFG="ccinfo",1,0` (Quectel EC25&EC21 AT Commands Manual, AT+QINDCFG
 *   `=<urctype>[,<enable>[,<savetonv>]]`): report every call state change as
 *   `+QIND: "ccinfo",<id>,<dir>,<stat>,<mode>,<mpty>,<number>,<type>[,<alpha>]` (./parse.ts), so the answer
 *   of an outgoing call is known when it happens instead of at the next +CLCC poll. <savetonv> 0: not
 *   written to NV; it is set again on every start, and a module moved to another host is left as found.
 *   Firmware that does not take the third parameter gets the two-parameter form; firmware without
 *   "ccinfo" refuses both, and the line then learns the answer by polling +CLCC.
 *
 * Alternatives not taken: `AT+COLP=1` (TS 27.007 §7.8) holds the ATD reply until the called party answers
 * (V.250 §6.3.1 with the connected line shown), which would block the AT queue, and with it the SMS and
 * signal commands, for the whole ringing time; `AT^DSCI=1` is not in the EC2x manual.
 */
import { attempt, type Setting } from '../generic/steps.js';

/** The first command of the setting: runSettings lists a setting it skipped by this. */
export const CCINFO_ON = 'AT+QINDCFG="ccinfo",1,0';

export const QUECTEL_CALL_URC_SETTINGS: readonly Setting[] = [[attempt(CCINFO_ON), attempt('AT+QINDCFG="ccinfo",1')]];
