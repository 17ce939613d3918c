import { api } from '../api/client';
import type { InboundSms } from '../api/types';
import type { CardColumn } from '../components/card-table';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/index';
import { maySendSms } from '../permissions';
import { SmsBox, type RunRowAction } from './sms-box';

function inboxColumns(run: RunRowAction): CardColumn<InboundSms>[] {
  const remove = (m: InboundSms) => {
    if (confirm(t('smsList.confirmDelete'))) run(() => api('DELETE', `/sms/inbox/${encodeURIComponent(m.id)}`));
  };
  const columns: CardColumn<InboundSms>[] = [
    { col: 'time', label: t('smsList.time'), cell: (m) => formatDateTime(m.receivedAt) },
    { col: 'line', label: t('smsList.line'), cell: (m) => `${m.line}${m.slot ?? ''}` },
    { col: 'from', label: t('smsList.from'), cell: (m) => m.sender },
    { col: 'text', label: t('smsList.text'), class: 'text-cell', cell: (m) => m.text },
    {
      col: 'status',
      label: t('smsList.status'),
      attrs: (m) => ({ 'data-status': m.partial ? 'partial' : 'complete' }),
      cell: (m) => (m.partial ? t('smsInbox.partial') : t('smsInbox.complete', { parts: m.parts })),
    },
  ];
  if (!maySendSms()) return columns;
  return [
    ...columns,
    {
      col: 'actions',
      label: t('smsList.actions'),
      class: 'actions',
      cell: (m) => (
        <button type="button" data-action="delete" onClick={() => remove(m)} aria-label={t('smsList.deleteOne', { id: m.id })}>
          {t('smsList.delete')}
        </button>
      ),
    },
  ];
}

/** Messages received (manual §5.6): search, paging, delete. */
export default function SmsInboxPage() {
  return <SmsBox<InboundSms> box="inbox" title={t('smsInbox.title')} columns={inboxColumns} />;
}
