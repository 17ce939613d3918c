import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { InboundSms } from '../api/types';
import { Alert } from '../components/alert';
import { Pager } from '../components/pager';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/index';
import { maySendSms } from '../permissions';
import { NO_FILTER, SmsFilters, type SmsFilter } from './sms-filters';
import { PAGE_SIZE, useSmsList } from './use-sms-list';

/** Messages received (manual §5.6): search, paging, delete. */
export default function SmsInboxPage() {
  const [filter, setFilter] = useState<SmsFilter>(NO_FILTER);
  const [offset, setOffset] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const { page, error, reload } = useSmsList<InboundSms>('inbox', filter, offset);
  const canDelete = maySendSms();

  async function remove(m: InboundSms) {
    if (!confirm(t('smsList.confirmDelete'))) return;
    setActionError(null);
    try {
      await api('DELETE', `/sms/inbox/${encodeURIComponent(m.id)}`);
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  const col = { time: t('smsList.time'), line: t('smsList.line'), from: t('smsList.from'), text: t('smsList.text'), status: t('smsList.status'), actions: t('smsList.actions') };
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('smsInbox.title')}</h1>
      <SmsFilters withStatus={false} onSearch={(f) => (setFilter(f), setOffset(0))} />
      <Alert error={error ?? actionError} />
      {page && page.items.length === 0 && <p>{t('smsList.empty')}</p>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="data cards" data-table="sms-inbox">
            <caption class="visually-hidden">{t('smsInbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{col.time}</th>
                <th scope="col">{col.line}</th>
                <th scope="col">{col.from}</th>
                <th scope="col">{col.text}</th>
                <th scope="col">{col.status}</th>
                {canDelete && <th scope="col">{col.actions}</th>}
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => {
                const status = m.partial ? 'partial' : 'complete';
                return (
                  <tr key={m.id} data-sms-id={m.id}>
                    <td data-col="time" data-label={col.time}>
                      {formatDateTime(m.receivedAt)}
                    </td>
                    <td data-col="line" data-label={col.line}>
                      {`${m.line}${m.slot ?? ''}`}
                    </td>
                    <td data-col="from" data-label={col.from}>
                      {m.sender}
                    </td>
                    <td data-col="text" data-label={col.text} class="text-cell">
                      {m.text}
                    </td>
                    <td data-col="status" data-label={col.status} data-status={status}>
                      {m.partial ? t('smsInbox.partial') : t('smsInbox.complete', { parts: m.parts })}
                    </td>
                    {canDelete && (
                      <td data-col="actions" data-label={col.actions} class="actions">
                        <button type="button" data-action="delete" onClick={() => void remove(m)} aria-label={t('smsList.deleteOne', { id: m.id })}>
                          {t('smsList.delete')}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {page && <Pager total={page.total} offset={offset} size={PAGE_SIZE} onOffset={setOffset} />}
    </section>
  );
}
