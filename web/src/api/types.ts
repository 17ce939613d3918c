/** The JSON shapes the UI reads, as docs/api.md describes them (only the fields the UI uses). */
export type Role = 'admin' | 'user' | 'sms';

export interface Me {
  user: string;
  role: Role;
  /** The password was generated or set by an admin: the UI shows only the forced password change. */
  mustChangePassword?: boolean;
}

export type SimState = 'READY' | 'SIM PIN' | 'SIM PUK' | 'SIM PIN2' | 'SIM PUK2' | 'PH-SIM PIN' | 'NOT INSERTED' | 'BUSY' | 'FAILURE' | 'UNKNOWN';
export type CallState = 'IDLE' | 'DIALING' | 'ALERTING' | 'CONNECTED' | 'ACTIVE' | 'INCOMING';
export type Health = 'ok' | 'starting' | 'switching' | 'no-sim' | 'sim-locked' | 'searching' | 'denied' | 'unresponsive' | 'resetting' | 'disabled' | 'absent';
export type VoipState = 'unregistered' | 'registering' | 'registered' | 'refreshing' | 'waiting-retry' | 'unregistering';

export interface LineStatus {
  id: number;
  name: string;
  enabled: boolean;
  lifecycle: 'probe' | 'enable' | 'sim-ready' | 'registered';
  health: Health;
  detail: string | null;
  callState: CallState;
  callNumber: string | null;
  slot: 'A' | 'B' | 'C' | 'D' | null;
  reg: 'N' | '2G' | '3G' | '4G' | '5G';
  signal: number;
  signalDbm: number | null;
  operator: string | null;
  volte: boolean | null;
  sim: { state: SimState | null; iccid: string | null; imsi: string | null; number: string | null };
  voip?: { account: string; state: VoipState } | null;
}

export interface SimSlotStats {
  slot: string;
  today: { sms: number; smsFailed: number };
}

export interface SimsView {
  lines: Array<{ line: number; bound: string | null; slots: SimSlotStats[] }>;
}

export type OutStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'expired' | 'unknown';

export interface OutboundSms {
  id: string;
  status: OutStatus;
  reason: string | null;
  to: string;
  text: string;
  parts: number;
  line: number | null;
  slot: string | null;
  createdAt: string | null;
  doneAt: string | null;
}

export interface InboundSms {
  id: string;
  line: number;
  slot: string | null;
  sender: string;
  text: string;
  parts: number;
  partial: boolean;
  receivedAt: string;
}

export interface Page<T> {
  total: number;
  items: T[];
}

export type UssdState = 'menu' | 'done' | 'terminated' | 'timeout' | 'error';

export interface UssdReply {
  state: UssdState;
  text: string | null;
  reason?: string | null;
}
