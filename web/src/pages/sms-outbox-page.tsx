import { api } from '../api/client';
import type { OutboundSms } from '../api/types';
import type { CardColumn } from '../components/card-table';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/index';
import { outStatusLabel } from '../labels';
import { maySendSms } from '../permissions';
import { SmsBox, type RunRowAction } from './sms-box';

function StatusCell({ m }: { m: OutboundSms }) {
  return (
    <>
      <span class="state" data-state={m.status}>
        {outStatusLabel(m.status)}
      </span>
      {m.reason && <span class="detail">{m.reason}</span>}
    </>
  );
}

/** Resend or give up on an `unknown` outcome; delete any message no longer in flight. */
function ActionsCell({ m, run }: { m: OutboundSms; run: RunRowAction }) {
  const id = encodeURIComponent(m.id);
  const decide = (action: 'resend' | 'fail') => run(() => api('POST', `/sms/${id}/${action}`, {}));
  const remove = () => {
    if (confirm(t('smsList.confirmDelete'))) run(() => api('DELETE', `/sms/outbox/${id}`));
  };
  return (
    <>
      {m.status === 'unknown' && (
        <>
          <button type="button" data-action="resend" onClick={() => decide('resend')}>
            {t('smsOutbox.resend')}
          </button>
          <button type="button" data-action="fail" onClick={() => decide('fail')}>
            {t('smsOutbox.fail')}
          </button>
        </>
      )}
      {m.status !== 'queued' && m.status !== 'sending' && (
        <button type="button" data-action="delete" onClick={remove} aria-label={t('smsList.deleteOne', { id: m.id })}>
          {t('smsList.delete')}
        </button>
      )}
    </>
  );
}

function outboxColumns(run: RunRowAction): CardColumn<OutboundSms>[] {
  const columns: CardColumn<OutboundSms>[] = [
    { col: 'time', label: t('smsList.time'), cell: (m) => formatDateTime(m.createdAt) },
    { col: 'line', label: t('smsList.line'), cell: (m) => (m.line === null ? '—' : `${m.line}${m.slot ?? ''}`) },
    { col: 'to', label: t('smsList.to'), cell: (m) => m.to },
    { col: 'text', label: t('smsList.text'), class: 'text-cell', cell: (m) => m.text },
    { col: 'status', label: t('smsList.status'), attrs: (m) => ({ 'data-status': m.status }), cell: (m) => <StatusCell m={m} /> },
  ];
  if (!maySendSms()) return columns;
  return [...columns, { col: 'actions', label: t('smsList.actions'), class: 'actions', cell: (m) => <ActionsCell m={m} run={run} /> }];
}

/** Messages sent (manual §5.7): search, paging, delete, and the decision on `unknown` outcomes. */
export default function SmsOutboxPage() {
  return <SmsBox<OutboundSms> box="outbox" title={t('smsOutbox.title')} columns={outboxColumns} />;
}
