/**
 * The vendor dual-SIM commands as data (no I/O): a command set per built-in family, which built-in set a
 * modem family gets, and what makes a command text safe to send. Shared by the dual-sim backend, its
 * configuration schema and the daemon's configuration check, so all three agree.
 *
 * Quectel: AT+QDSIM=<n> selects the (U)SIM card, n = 0 for SIM1 and 1 for SIM2; AT+QDSIM? answers
 * `+QDSIM: <n>`. Checked against public Quectel-based drivers and fixtures (EG915U/EC200U/EC2x-class
 * routers); the EC2x AT manual text itself was not available to verify which EC2x firmware has it.
 * SIMCom SIM7600: no dual-SIM command could be verified in SIMCom's SIM7500/SIM7600 documentation
 * (AT+SWITCHSIM and AT+DUALSIM belong to the A76xx series' dual-SIM application note, AT+SMSIMCFG shows up
 * with SIMCom 5G modules), so no built-in set; a `commands` set in the configuration describes any other
 * firmware.
 */
import type { Family } from '../types.js';

export type DualSimSlot = 'A' | 'B';

/** How one firmware family selects and reports the active SIM holder. */
export interface DualSimCommandSet {
  /** For messages and logs, e.g. 'Quectel AT+QDSIM'. */
  name: string;
  /** Set command; `{value}` is replaced by the slot's value, e.g. 'AT+QDSIM={value}'. */
  select: string;
  /** Read command, e.g. 'AT+QDSIM?'. */
  query: string;
  /** Information-response prefix of the read command, e.g. '+QDSIM:'. */
  prefix: string;
  /** Which comma-separated field after the prefix holds the value (0-based). Default 0. */
  field?: number;
  /** The value that means each holder, e.g. { A: '0', B: '1' }. */
  values: Record<DualSimSlot, string>;
  /** Final-result timeout for both commands. Default 5000 ms. */
  timeoutMs?: number;
}

export const DUAL_SIM_FAMILIES = {
  quectel: {
    name: 'Quectel AT+QDSIM',
    select: 'AT+QDSIM={value}',
    query: 'AT+QDSIM?',
    prefix: '+QDSIM:',
    field: 0,
    values: { A: '0', B: '1' },
    timeoutMs: 5000,
  },
} as const satisfies Record<string, DualSimCommandSet>;

export type DualSimFamily = keyof typeof DUAL_SIM_FAMILIES;

/**
 * The built-in command set each modem family gets when the configuration names neither `family` nor
 * `commands`, or why it has none. Typed over every modem family, so a new family does not compile
 * until it is given its entry here.
 */
export const DUAL_SIM_BY_MODEM_FAMILY: { readonly [F in Family]: DualSimFamily | { none: string } } = {
  quectel: 'quectel',
  simcom: { none: 'SIMCom modems have no built-in dual-SIM command (none could be verified for the SIM7500/SIM7600)' },
  generic: { none: 'a generic modem has no dual-SIM command (3GPP TS 27.007 defines none)' },
};

/** The built-in command set for a modem family, or why there is none. */
export function dualSimCommandsFor(family: Family): { ok: true; family: DualSimFamily; commands: DualSimCommandSet } | { ok: false; reason: string } {
  const entry = DUAL_SIM_BY_MODEM_FAMILY[family];
  if (typeof entry === 'string') return { ok: true, family: entry, commands: DUAL_SIM_FAMILIES[entry] };
  return { ok: false, reason: entry.none };
}

// What makes a configured command text or holder value usable is shared with the configuration schema.
export { atCommandTextProblem } from '../../src/at/command-text.js';
export { dualSimValueProblem } from '../../src/config/schema-sim-switch.js';
