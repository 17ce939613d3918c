/** The policy engine's switch and disable triggers (src/policy/types.ts), in the operator's words. */
import { TRIGGER_KINDS, type TriggerKind } from '../../../src/policy/types.js';
import { t } from '../i18n/index';

export { TRIGGER_KINDS, type TriggerKind };

export function triggerLabel(kind: TriggerKind): string {
  switch (kind) {
    case 'bind-minutes':
      return t('limits.trigger.bindMinutes');
    case 'call-minutes':
      return t('limits.trigger.callMinutes');
    case 'calls':
      return t('limits.trigger.calls');
    case 'connected-calls':
      return t('limits.trigger.connectedCalls');
    case 'sms':
      return t('limits.trigger.sms');
    case 'consecutive-no-answer':
      return t('limits.trigger.noAnswer');
    case 'consecutive-failed':
      return t('limits.trigger.failed');
    case 'consecutive-no-ringing':
      return t('limits.trigger.noRinging');
    case 'consecutive-short':
      return t('limits.trigger.short');
  }
}
