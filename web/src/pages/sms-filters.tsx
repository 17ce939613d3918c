import { LineSelect } from '../components/line-select';
import { t } from '../i18n/index';
import { OUT_STATUSES, outStatusLabel } from '../labels';

export interface SmsFilter {
  line: string;
  number: string;
  text: string;
  status: string;
}

export const NO_FILTER: SmsFilter = { line: '', number: '', text: '', status: '' };

/** Search form of the inbox and outbox (the status only for the outbox). */
export function SmsFilters({ withStatus, onSearch }: { withStatus: boolean; onSearch: (f: SmsFilter) => void }) {
  function submit(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const v = (k: string) => String(d.get(k) ?? '').trim();
    onSearch({ line: v('line'), number: v('number'), text: v('text'), status: v('status') });
  }
  return (
    <form class="form filters" role="search" data-form="sms-search" onSubmit={submit}>
      <LineSelect automatic />
      <div class="field">
        <label for="filter-number">{t('smsList.number')}</label>
        <input id="filter-number" name="number" type="search" />
      </div>
      <div class="field">
        <label for="filter-text">{t('smsList.text')}</label>
        <input id="filter-text" name="text" type="search" />
      </div>
      {withStatus && (
        <div class="field">
          <label for="filter-status">{t('smsList.status')}</label>
          <select id="filter-status" name="status">
            <option value="">{t('smsList.anyStatus')}</option>
            {OUT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {outStatusLabel(s)}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit">{t('smsList.search')}</button>
    </form>
  );
}
