/**
 * Words for the API's enumerations, each key spelled out so the catalogue test sees every one.
 * Unknown values (a newer server) show as they are.
 */
import type { CallState, Health, OutStatus, SimState, UssdState, VoipState } from './api/types';
import { t } from './i18n/index';

type Labels<K extends string> = Record<K, () => string>;

function pick<K extends string>(labels: Labels<K>, value: string): string {
  return Object.hasOwn(labels, value) ? labels[value as K]() : value;
}

const SIM: Labels<SimState> = {
  READY: () => t('sim.READY'),
  'SIM PIN': () => t('sim.SIM_PIN'),
  'SIM PUK': () => t('sim.SIM_PUK'),
  'SIM PIN2': () => t('sim.SIM_PIN2'),
  'SIM PUK2': () => t('sim.SIM_PUK2'),
  'PH-SIM PIN': () => t('sim.PH_SIM_PIN'),
  'NOT INSERTED': () => t('sim.NOT_INSERTED'),
  BUSY: () => t('sim.BUSY'),
  FAILURE: () => t('sim.FAILURE'),
  UNKNOWN: () => t('sim.UNKNOWN'),
};
export const simStateLabel = (v: string | null) => (v === null ? t('sim.none') : pick(SIM, v));

const CALL: Labels<CallState> = {
  IDLE: () => t('call.IDLE'),
  DIALING: () => t('call.DIALING'),
  ALERTING: () => t('call.ALERTING'),
  CONNECTED: () => t('call.CONNECTED'),
  ACTIVE: () => t('call.ACTIVE'),
  INCOMING: () => t('call.INCOMING'),
};
export const callStateLabel = (v: string) => pick(CALL, v);

const HEALTH: Labels<Health> = {
  ok: () => t('health.ok'),
  starting: () => t('health.starting'),
  switching: () => t('health.switching'),
  'no-sim': () => t('health.no-sim'),
  'sim-locked': () => t('health.sim-locked'),
  searching: () => t('health.searching'),
  denied: () => t('health.denied'),
  unresponsive: () => t('health.unresponsive'),
  resetting: () => t('health.resetting'),
  disabled: () => t('health.disabled'),
  absent: () => t('health.absent'),
};
export const healthLabel = (v: string) => pick(HEALTH, v);

const VOIP: Labels<VoipState> = {
  unregistered: () => t('voip.unregistered'),
  registering: () => t('voip.registering'),
  registered: () => t('voip.registered'),
  refreshing: () => t('voip.refreshing'),
  'waiting-retry': () => t('voip.waiting-retry'),
  unregistering: () => t('voip.unregistering'),
};
export const voipStateLabel = (v: string | null | undefined) => (v == null ? t('voip.none') : pick(VOIP, v));

const OUT: Labels<OutStatus> = {
  queued: () => t('smsStatus.queued'),
  sending: () => t('smsStatus.sending'),
  sent: () => t('smsStatus.sent'),
  delivered: () => t('smsStatus.delivered'),
  failed: () => t('smsStatus.failed'),
  expired: () => t('smsStatus.expired'),
  unknown: () => t('smsStatus.unknown'),
};
export const OUT_STATUSES = Object.keys(OUT) as OutStatus[];
export const outStatusLabel = (v: string) => pick(OUT, v);

const USSD: Labels<UssdState> = {
  menu: () => t('ussd.state.menu'),
  done: () => t('ussd.state.done'),
  terminated: () => t('ussd.state.terminated'),
  timeout: () => t('ussd.state.timeout'),
  error: () => t('ussd.state.error'),
};
export const ussdStateLabel = (v: string) => pick(USSD, v);
