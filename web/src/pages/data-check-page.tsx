import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { lineIds } from '../api/lines-store';
import { Alert } from '../components/alert';
import { LineSelect } from '../components/line-select';
import { formatDateTime, formatNumber } from '../i18n/format';
import { t } from '../i18n/index';

/** POST /api/lines/:id/data-check's answer (docs/api.md). */
interface DataCheckResult {
  at: string;
  url: string;
  ok: boolean;
  status: number | null;
  bytes: number | null;
  ms: number | null;
  error: string | null;
}

interface LineDataCheckConfig {
  id: number;
  dataCheck?: { url?: string; apn?: string };
}

/**
 * HTTP access test (manual §5.10): the line's modem fetches a URL through its own data connection and
 * the page shows the HTTP status, bytes and time, or the modem's error. The URL starts as the line's
 * configured one (`lines[].dataCheck.url`); an empty APN uses the line's configured one.
 */
export default function DataCheckPage() {
  const [line, setLine] = useState('');
  const [configured, setConfigured] = useState<LineDataCheckConfig[]>([]);
  const [url, setUrl] = useState('');
  const [result, setResult] = useState<DataCheckResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // The configured URLs are a convenience: a role or a failure that hides them leaves the field empty.
    api<LineDataCheckConfig[]>('GET', '/config/lines')
      .then((r) => setConfigured(Array.isArray(r) ? r : []))
      .catch(() => setConfigured([]));
  }, []);

  const chosen = line === '' ? (lineIds.value[0] !== undefined ? String(lineIds.value[0]) : '') : line;
  const lineConfig = configured.find((c) => String(c.id) === chosen)?.dataCheck;
  useEffect(() => {
    setUrl(lineConfig?.url ?? '');
  }, [chosen, lineConfig?.url]);

  async function submit(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const id = String(d.get('line') ?? '');
    const apn = String(d.get('apn') ?? '').trim();
    const body = { ...(url.trim() ? { url: url.trim() } : {}), ...(apn ? { apn } : {}) };
    setLine(id);
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<DataCheckResult>('POST', `/lines/${encodeURIComponent(id)}/data-check`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="datacheck-title">
      <h1 id="datacheck-title">{t('datacheck.title')}</h1>
      <p class="hint">{t('datacheck.intro')}</p>
      <form data-form="data-check" class="form" onSubmit={submit}>
        <LineSelect value={chosen} onChange={setLine} />
        <div class="field">
          <label for="datacheck-url">{t('datacheck.url')}</label>
          <input
            id="datacheck-url"
            name="url"
            type="url"
            pattern={'https?://[^\\s"]+'}
            value={url}
            onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)}
            autocomplete="off"
            aria-describedby="datacheck-url-hint"
          />
          <span id="datacheck-url-hint" class="hint">
            {t('datacheck.urlHint')}
          </span>
        </div>
        <div class="field">
          <label for="datacheck-apn">{t('datacheck.apn')}</label>
          <input id="datacheck-apn" name="apn" pattern="[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*" placeholder={lineConfig?.apn ?? ''} autocomplete="off" aria-describedby="datacheck-apn-hint" />
          <span id="datacheck-apn-hint" class="hint">
            {t('datacheck.apnHint')}
          </span>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('datacheck.send')}
        </button>
      </form>
      {busy && <p role="status">{t('datacheck.waiting')}</p>}
      <Alert error={error} />
      {result && (
        <div class="result" role="status" data-result={result.ok ? 'ok' : 'failed'}>
          <h2>{result.ok ? t('datacheck.ok') : t('datacheck.failed')}</h2>
          <dl class="facts">
            <div data-col="url">
              <dt>{t('datacheck.url')}</dt>
              <dd>{result.url}</dd>
            </div>
            <div data-col="status">
              <dt>{t('datacheck.status')}</dt>
              <dd>{result.status ?? '—'}</dd>
            </div>
            <div data-col="bytes">
              <dt>{t('datacheck.bytes')}</dt>
              <dd>{result.bytes === null ? '—' : formatNumber(result.bytes)}</dd>
            </div>
            <div data-col="time">
              <dt>{t('datacheck.time')}</dt>
              <dd>{result.ms === null ? '—' : t('datacheck.msValue', { ms: formatNumber(result.ms) })}</dd>
            </div>
            <div data-col="error">
              <dt>{t('datacheck.error')}</dt>
              <dd>{result.error ?? '—'}</dd>
            </div>
            <div data-col="at">
              <dt>{t('datacheck.at')}</dt>
              <dd>{formatDateTime(result.at)}</dd>
            </div>
          </dl>
        </div>
      )}
    </section>
  );
}
