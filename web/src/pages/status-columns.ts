/** The status table's columns (manual §3.2.1), in order: the `data-col` name and its heading. */
import { t } from '../i18n/index';

export const STATUS_COLUMNS: ReadonlyArray<{ col: string; label: () => string }> = [
  { col: 'id', label: () => t('status.col.id') },
  { col: 'slot', label: () => t('status.col.slot') },
  { col: 'sim', label: () => t('status.col.sim') },
  { col: 'operator', label: () => t('status.col.operator') },
  { col: 'network', label: () => t('status.col.network') },
  { col: 'signal', label: () => t('status.col.signal') },
  { col: 'registration', label: () => t('status.col.registration') },
  { col: 'voip', label: () => t('status.col.voip') },
  { col: 'call', label: () => t('status.col.call') },
  { col: 'sms', label: () => t('status.col.sms') },
];
