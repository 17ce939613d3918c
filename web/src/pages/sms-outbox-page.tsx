import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { OutboundSms } from '../api/types';
import { Alert } from '../components/alert';
import { Pager } from '../components/pager';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/index';
import { outStatusLabel } from '../labels';
import { maySendSms } from '../permissions';
import { NO_FILTER, SmsFilters, type SmsFilter } from './sms-filters';
import { PAGE_SIZE, useSmsList } from './use-sms-list';

/** Messages sent (manual §5.7): search, paging, delete, and the decision on `unknown` outcomes. */
export default function SmsOutboxPage() {
  const [filter, setFilter] = useState<SmsFilter>(NO_FILTER);
  const [offset, setOffset] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const { page, error, reload } = useSmsList<OutboundSms>('outbox', filter, offset);
  const canAct = maySendSms();

  async function act(m: OutboundSms, action: 'delete' | 'resend' | 'fail') {
    if (action === 'delete' && !confirm(t('smsList.confirmDelete'))) return;
    setActionError(null);
    try {
      if (action === 'delete') await api('DELETE', `/sms/outbox/${encodeURIComponent(m.id)}`);
      else await api('POST', `/sms/${encodeURIComponent(m.id)}/${action}`, {});
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  const col = {
    time: t('smsList.time'),
    line: t('smsList.line'),
    to: t('smsList.to'),
    text: t('smsList.text'),
    status: t('smsList.status'),
    actions: t('smsList.actions'),
  };
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">{t('smsOutbox.title')}</h1>
      <SmsFilters withStatus onSearch={(f) => (setFilter(f), setOffset(0))} />
      <Alert error={error ?? actionError} />
      {page && page.items.length === 0 && <p>{t('smsList.empty')}</p>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="data cards" data-table="sms-outbox">
            <caption class="visually-hidden">{t('smsOutbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{col.time}</th>
                <th scope="col">{col.line}</th>
                <th scope="col">{col.to}</th>
                <th scope="col">{col.text}</th>
                <th scope="col">{col.status}</th>
                {canAct && <th scope="col">{col.actions}</th>}
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <tr key={m.id} data-sms-id={m.id}>
                  <td data-col="time" data-label={col.time}>
                    {formatDateTime(m.createdAt)}
                  </td>
                  <td data-col="line" data-label={col.line}>
                    {m.line === null ? '—' : `${m.line}${m.slot ?? ''}`}
                  </td>
                  <td data-col="to" data-label={col.to}>
                    {m.to}
                  </td>
                  <td data-col="text" data-label={col.text} class="text-cell">
                    {m.text}
                  </td>
                  <td data-col="status" data-label={col.status} data-status={m.status}>
                    <span class="state" data-state={m.status}>
                      {outStatusLabel(m.status)}
                    </span>
                    {m.reason && <span class="detail">{m.reason}</span>}
                  </td>
                  {canAct && (
                    <td data-col="actions" data-label={col.actions} class="actions">
                      {m.status === 'unknown' && (
                        <>
                          <button type="button" data-action="resend" onClick={() => void act(m, 'resend')}>
                            {t('smsOutbox.resend')}
                          </button>
                          <button type="button" data-action="fail" onClick={() => void act(m, 'fail')}>
                            {t('smsOutbox.fail')}
                          </button>
                        </>
                      )}
                      {m.status !== 'queued' && m.status !== 'sending' && (
                        <button type="button" data-action="delete" onClick={() => void act(m, 'delete')} aria-label={t('smsList.deleteOne', { id: m.id })}>
                          {t('smsList.delete')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && <Pager total={page.total} offset={offset} size={PAGE_SIZE} onOffset={setOffset} />}
    </section>
  );
}
