import { useState } from 'preact/hooks';
import { Alert } from '../components/alert';
import { CardTable, type CardColumn } from '../components/card-table';
import { Pager } from '../components/pager';
import { t } from '../i18n/index';
import { NO_FILTER, SmsFilters, type SmsFilter } from './sms-filters';
import { PAGE_SIZE, useSmsList } from './use-sms-list';

/** Runs a row action (delete, resend…), then re-reads the page; a failure is shown above the table. */
export type RunRowAction = (action: () => Promise<unknown>) => void;

/**
 * The frame the inbox and outbox share: search form, failure, one page of messages as a card table
 * (rows `[data-sms-id]`) and the pager. The page gives its title and its columns.
 */
export function SmsBox<T extends { id: string }>({ box, title, columns }: { box: 'inbox' | 'outbox'; title: string; columns: (run: RunRowAction) => CardColumn<T>[] }) {
  const [filter, setFilter] = useState<SmsFilter>(NO_FILTER);
  const [offset, setOffset] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const { page, error, reload } = useSmsList<T>(box, filter, offset);

  const run: RunRowAction = (action) => {
    setActionError(null);
    action()
      .then(reload)
      .catch(setActionError);
  };

  const titleId = `${box}-title`;
  return (
    <section aria-labelledby={titleId}>
      <h1 id={titleId}>{title}</h1>
      <SmsFilters withStatus={box === 'outbox'} onSearch={(f) => (setFilter(f), setOffset(0))} />
      <Alert error={error ?? actionError} />
      {page && page.items.length === 0 && <p>{t('smsList.empty')}</p>}
      {page && page.items.length > 0 && <CardTable name={`sms-${box}`} caption={title} columns={columns(run)} rows={page.items} rowKey={(m) => m.id} rowAttrs={(m) => ({ 'data-sms-id': m.id })} />}
      {page && <Pager total={page.total} offset={offset} size={PAGE_SIZE} onOffset={setOffset} />}
    </section>
  );
}
