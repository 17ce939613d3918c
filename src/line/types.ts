/**
 * What a line shows to the rest of the daemon and to the API (manual §3.2.1 columns that exist so far).
 */
import type { Family, Rat, SimState } from '../../modem-drivers/types.js';
import type { NetworkInterfaceView } from '../system/network-view.js';

export type SlotId = 'A' | 'B' | 'C' | 'D';

/** Why a slot's card cannot become ready: the SIM policy's own list (docs/decisions/0017-unusable-slots.md). */
export type { UnusableReason as SlotUnusableReason } from '../policy/types.js';

/** Where a line is in bringing its modem up: probe → enable → SIM ready → registered. */
export type Lifecycle = 'probe' | 'enable' | 'sim-ready' | 'registered';

/**
 * Health, independent of the lifecycle step: `ok` once the modem answers and while things go as they
 * should; otherwise what the line is waiting for or why it cannot serve (manual §3.2.1 / §3.2.4 states,
 * plus the line's own: its modem not answered yet, a SIM slot change under way, the port gone). The
 * meanings are those of docs/api.md, which lists every value.
 */
export const HEALTH_VALUES = [
  /** The modem answers; bring-up goes on or the line serves. */
  'ok',
  /** The port is open and the modem is asked (AT) for the first time since it last answered. */
  'starting',
  /** A SIM slot change is under way (the modem restarts on the new card); `detail` names both slots. */
  'switching',
  'no-sim',
  'sim-locked',
  'searching',
  'denied',
  /** The modem did not answer the last attempt; asked again after a reset. */
  'unresponsive',
  'resetting',
  'disabled',
  /** The modem's port cannot be opened (unplugged, off the USB bus). */
  'absent',
] as const;

export type Health = (typeof HEALTH_VALUES)[number];

import type { CallState } from '../call/call-state.js';

export type { CallState };

export interface LineStatus {
  id: number;
  name: string;
  enabled: boolean;
  lifecycle: Lifecycle;
  health: Health;
  /** Human-readable reason for the health (e.g. "SIM PIN required, no PIN configured for slot A"). */
  detail: string | null;
  callState: CallState;
  /** Remote number of the current call, if any. */
  callNumber: string | null;
  /** Bound SIM slot, null = "N" (none bound). */
  slot: SlotId | null;
  /** "N" when not registered, else the radio technology in use. */
  reg: 'N' | Rat;
  /** +CSQ 0..31, 99 = unknown (manual §3.2.1 "信号"). */
  signal: number;
  signalDbm: number | null;
  operator: string | null;
  plmn: string | null;
  /** VoLTE registered; null when the modem cannot tell. */
  volte: boolean | null;
  /** Minutes since the last connected call ended (null: none since start). */
  idleMinutes: number | null;
  /** Minutes the current SIM has been bound. */
  bindMinutes: number | null;
  modem: {
    family: Family | null;
    manufacturer: string | null;
    model: string | null;
    firmware: string | null;
    imei: string | null;
    port: string | null;
    usbPath: string | null;
  };
  sim: {
    state: SimState | null;
    iccid: string | null;
    imsi: string | null;
    number: string | null;
  };
  /** Times the modem was reset since the daemon started, and the last reason. */
  resets: number;
  lastReset: { at: string; reason: string } | null;
  /** The last data connectivity check (manual §5.10), null before the first. */
  dataCheck: { at: string; url: string; ok: boolean; status: number | null; bytes: number | null; ms: number | null; error: string | null } | null;
  /** AT traffic since the daemon started: commands sent, non-OK answers, timeouts, garbage bytes skipped. */
  at: { commands: number; errors: number; timeouts: number; garbageBytes: number };
}

export interface DeviceStatus {
  name: string;
  version: string;
  /** Seconds since the daemon started. */
  uptime: number;
  startedAt: string;
  time: string;
  timezone: string;
  /** "hardware" normally; "demo" when running on simulated modems. */
  mode: 'hardware' | 'demo';
  lines: { total: number; registered: number };
  node: string;
  platform: string;
  lastLogin: string | null;
  /** Simulated modems running in this process (demo mode), and where their control API listens. */
  simulator: { modems: number; controlApi: string } | null;
  /** The host's external network interfaces and their addresses (shown, not configured). */
  network: NetworkInterfaceView[];
}

/** What the web layer reads from the daemon. */
export interface LineRegistry {
  list(): LineStatus[];
  get(id: number): LineStatus | undefined;
  device(): DeviceStatus;
}
