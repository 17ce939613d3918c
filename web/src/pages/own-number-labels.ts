import { t } from '../i18n/index';

/** How a SIM's own number was learned (src/sms/own-number.ts OwnNumberMethod), in words. */
export function ownNumberMethodLabel(method: string): string {
  switch (method) {
    case 'sim':
      return t('ownnumber.method.sim');
    case 'ussd':
      return t('ownnumber.method.ussd');
    case 'sms-query':
      return t('ownnumber.method.smsQuery');
    case 'discovery':
      return t('ownnumber.method.discovery');
    case 'manual':
      return t('ownnumber.method.manual');
    default:
      return method;
  }
}

/** A learning step in progress (OwnNumberStep), in words. */
export function ownNumberStepLabel(step: string): string {
  switch (step) {
    case 'ussd':
      return t('ownnumber.step.ussd');
    case 'sms-query':
      return t('ownnumber.step.smsQuery');
    case 'discovery':
      return t('ownnumber.step.discovery');
    default:
      return step;
  }
}
