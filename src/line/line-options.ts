/**
 * How a line is configured: its port, identity, SIM slots and PINs, operator selection, data check and
 * timing (LineManager builds these from the configuration).
 */
import type { AtChannelApi } from '../at/types.js';
import type { Logger } from '../util/log.js';
import type { Family } from '../../modem-drivers/types.js';
import type { SimSwitch } from '../../modem-drivers/sim-switch/types.js';
import type { CallAudioSettings } from './call-audio.js';
import type { PortProvider } from './port-provider.js';
import type { SlotId } from './types.js';

export interface LineTiming {
  /** Idle keep-alive / signal poll period. */
  probeIntervalMs: number;
  /** No byte from the modem for this long, with a command timed out meanwhile → unresponsive. */
  unresponsiveAfterMs: number;
  /** Default AT command timeout. */
  commandTimeoutMs: number;
  /** Polls that pass between full refreshes (registration, operator, VoLTE, SIM). */
  refreshEvery: number;
  /** Delay before reopening after a reset; doubled on every failed reopen up to maxReopenDelayMs. */
  reopenDelayMs: number;
  maxReopenDelayMs: number;
  /** SIM checks while no SIM / SIM locked. */
  simRetryMs: number;
  /** A card missing, failed or busy this long makes its slot unusable (the SIM policy moves on). */
  simGiveUpMs: number;
  /** How long a SIM slot change may show as `switching` before the line shows its own state again. */
  switchGraceMs: number;
  /** +CLCC period while an outgoing call rings on a modem with no answer URC (call-setup-poll.ts). */
  callSetupPollMs: number;
  /** Longest time that faster poll runs for one call; then the status poll goes on alone. */
  callSetupPollMaxMs: number;
}

export const DEFAULT_TIMING: LineTiming = {
  probeIntervalMs: 3000,
  unresponsiveAfterMs: 8000,
  commandTimeoutMs: 5000,
  refreshEvery: 10,
  reopenDelayMs: 1000,
  maxReopenDelayMs: 30000,
  simRetryMs: 10000,
  simGiveUpMs: 60000,
  switchGraceMs: 60000,
  callSetupPollMs: 500,
  callSetupPollMaxMs: 60000,
};

export interface LineOptions {
  id: number;
  name?: string;
  enabled?: boolean;
  port: PortProvider;
  log: Logger;
  /** Configured family, or 'auto' to detect from the modem. */
  family?: Family | 'auto';
  /** IMEI the configuration pins this line to (a different modem on the port is refused). */
  imei?: string | null;
  pins?: Partial<Record<SlotId, string>>;
  operator?: { mode: 'auto' } | { mode: 'manual'; plmn: string };
  /**
   * Builds the line's SIM switch for a connection (a dual-SIM switch needs the connection's AT channel
   * and the detected family); null or absent: the line has one slot, A.
   */
  simSwitch?: ((ctx: { channel: AtChannelApi; family: Family }) => SimSwitch) | null;
  /**
   * Which slot to bind, asked at every bring-up (the SIM policy); null: no slot is usable now. Absent:
   * the first slot the switch offers.
   */
  chooseSlot?: (available: readonly SlotId[]) => SlotId | null;
  /**
   * IMEI to program for the bound slot (manual §4.9: per line, or per SIM slot); null to leave it.
   * Only given when the configuration allows it (security.allowImeiWrite).
   */
  imeiFor?: ((slot: SlotId) => string | null) | null;
  /** Data connectivity check: URL and APN, and how often to run it (0: only on demand). */
  dataCheck?: { url?: string; apn?: string; intervalMinutes: number };
  /** Call audio gains, echo canceller and PCM format (lines[].audio). */
  audio?: CallAudioSettings;
  timing?: Partial<LineTiming>;
  now?: () => number;
}
