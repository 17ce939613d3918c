/**
 * Which commands that wait for the network still answer within seconds, so that long silence during
 * one is a hang even when there is no second AT port to ask the modem (decision 0016).
 *
 * A modem with a second AT port is probed there while any network command runs; this table is the rule
 * for the others (generic modems, pseudo-terminals). Silence is bounded (the watchdog's usual rule) for:
 *   AT+CMGS / AT+CMSS / AT+CMGC: the `> ` prompt comes at once and the RP-ACK (TS 24.011) normally within
 *     seconds (TS 27.005 §3.5.1, §3.5.2, §3.5.5);
 *   ATA, ATH, AT+CHUP: answering or releasing a call (V.250 §6.3.5, §6.3.6; TS 27.007 §6.5).
 * Left exempt (a hang is found when the command's own timeout ends, then the silence rule): ATD (the
 * final result can wait for the called party), AT+COPS= (a network search takes up to minutes),
 * AT+CFUN (the modem restarts and stops talking by design), AT+CUSD (some firmware holds its OK until
 * the network answered) and vendor data commands (an HTTP request waits for the server).
 */
const ANSWER_WITHIN_SECONDS: readonly RegExp[] = [/^AT\+CMGS=/i, /^AT\+CMSS=/i, /^AT\+CMGC=/i, /^ATA$/i, /^ATH0?$/i, /^AT\+CHUP$/i];

/** Whether silence during this network command is judged by the watchdog without a second port. */
export function networkSilenceIsBounded(cmd: string | undefined): boolean {
  if (cmd === undefined) return false;
  const c = cmd.trim();
  return ANSWER_WITHIN_SECONDS.some((re) => re.test(c));
}
