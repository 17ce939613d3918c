import { useEffect } from 'preact/hooks';
import { connection } from '../api/events';
import { lineIds, linesError, linesLoaded, refreshLines } from '../api/lines-store';
import { watchSmsCounts } from '../api/sms-counts';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';
import { STATUS_COLUMNS } from './status-columns';
import { StatusRow } from './status-row';

/** While the live stream is down the page re-reads the lines this often, so it never goes stale. */
const FALLBACK_REFRESH_MS = 10_000;

/** Overall status (manual §3.2.1): one row per line, kept current by the live events. */
export default function StatusPage() {
  useEffect(() => {
    void refreshLines();
    return watchSmsCounts();
  }, []);

  const lost = connection.value === 'lost';
  useEffect(() => {
    if (!lost) return;
    const timer = setInterval(() => void refreshLines(), FALLBACK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [lost]);

  const ids = lineIds.value;
  const error = linesError.value;
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">{t('status.title')}</h1>
      {lost && <p class="notice">{t('status.offline')}</p>}
      {error !== null && <Alert error={error === 403 ? t('error.forbiddenPage') : t('status.loadFailed')} />}
      {linesLoaded.value && ids.length === 0 && <p>{t('status.noLines')}</p>}
      {ids.length > 0 && (
        <div class="table-wrap">
          <table class="data cards" data-table="lines">
            <caption class="visually-hidden">{t('status.caption')}</caption>
            <thead>
              <tr>
                {STATUS_COLUMNS.map((c) => (
                  <th scope="col" key={c.col}>
                    {c.label()}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ids.map((id) => (
                <StatusRow key={id} id={id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
