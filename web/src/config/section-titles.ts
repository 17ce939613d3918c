/** The configuration sections' names in the operator's language (keys of docs/configuration.md). */
import { t } from '../i18n/index';

const TITLES: Record<string, () => string> = {
  device: () => t('config.section.device'),
  http: () => t('config.section.http'),
  log: () => t('config.section.log'),
  modems: () => t('config.section.modems'),
  security: () => t('config.section.security'),
  policy: () => t('config.section.policy'),
  simulator: () => t('config.section.simulator'),
  sms: () => t('config.section.sms'),
  mail: () => t('config.section.mail'),
  smpp: () => t('config.section.smpp'),
  ussd: () => t('config.section.ussd'),
  calls: () => t('config.section.calls'),
  sip: () => t('config.section.sip'),
  ownNumber: () => t('config.section.ownNumber'),
  lines: () => t('config.section.lines'),
};

export function sectionTitle(section: string): string {
  return TITLES[section]?.() ?? section;
}
