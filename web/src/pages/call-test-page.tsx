import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Alert } from '../components/alert';
import { LineSelect } from '../components/line-select';
import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import { formatSeconds } from './calls-format';

interface TestCallResult {
  line: number;
  slot: string | null;
  number: string;
  answered: boolean;
  durationSec: number;
  endReason: string | null;
  elapsedMs: number;
}

/**
 * Call test (manual §5.9): dial a number from one line, or the line the policy picks, hold an
 * answered call for the given seconds, then show what happened. The call is recorded like any other.
 */
export default function CallTestPage() {
  const [line, setLine] = useState('');
  const [result, setResult] = useState<TestCallResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const id = String(d.get('line') ?? '');
    const body = { number: String(d.get('number') ?? '').trim(), seconds: Number(d.get('seconds') ?? 10) };
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<TestCallResult>('POST', id === '' ? '/test-call' : `/lines/${encodeURIComponent(id)}/test-call`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="calltest-title">
      <h1 id="calltest-title">{t('calltest.title')}</h1>
      <p class="hint">{t('calltest.intro')}</p>
      <form data-form="call-test" class="form" onSubmit={submit}>
        <LineSelect automatic value={line} onChange={setLine} />
        <div class="field">
          <label for="calltest-number">{t('calltest.number')}</label>
          <input id="calltest-number" name="number" required pattern="[0-9+*#]{1,32}" inputMode="tel" autocomplete="off" aria-describedby="calltest-number-hint" />
          <span id="calltest-number-hint" class="hint">
            {t('calltest.numberHint')}
          </span>
        </div>
        <div class="field">
          <label for="calltest-seconds">{t('calltest.seconds')}</label>
          <input id="calltest-seconds" name="seconds" type="number" min={0} max={600} step={1} value="10" required aria-describedby="calltest-seconds-hint" />
          <span id="calltest-seconds-hint" class="hint">
            {t('calltest.secondsHint')}
          </span>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('calltest.call')}
        </button>
      </form>
      {busy && <p role="status">{t('calltest.calling')}</p>}
      <Alert error={error} />
      {result && (
        <div class="result" role="status" data-test-call-result={result.answered ? 'answered' : 'not-answered'}>
          <h2>{result.answered ? t('calltest.answered') : t('calltest.notAnswered')}</h2>
          <dl class="facts">
            <div data-col="line">
              <dt>{t('calltest.line')}</dt>
              <dd>{`${result.line}${result.slot ?? ''}`}</dd>
            </div>
            <div data-col="number">
              <dt>{t('calltest.number')}</dt>
              <dd>{result.number}</dd>
            </div>
            <div data-col="duration">
              <dt>{t('calltest.duration')}</dt>
              <dd>{formatSeconds(result.durationSec)}</dd>
            </div>
            <div data-col="endReason">
              <dt>{t('calltest.endReason')}</dt>
              <dd>{result.endReason ?? '—'}</dd>
            </div>
            <div data-col="elapsed">
              <dt>{t('calltest.elapsed')}</dt>
              <dd>{t('calltest.elapsedValue', { ms: formatNumber(result.elapsedMs) })}</dd>
            </div>
          </dl>
          <p>
            <a href="#/calls" data-nav-link="calls">
              {t('calltest.seeCalls')}
            </a>
          </p>
        </div>
      )}
    </section>
  );
}
