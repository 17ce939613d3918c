import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { lineIds, linesError, linesLoaded, refreshLines } from '../api/lines-store';
import { Alert } from '../components/alert';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/index';
import { ownNumberMethodLabel, ownNumberStepLabel } from './own-number-labels';
import { OwnNumberManualForm } from './own-number-manual';

/** GET /api/lines/:id/own-number (docs/api.md). */
export interface OwnNumberStatus {
  line: number;
  iccid: string | null;
  number: string | null;
  method: string | null;
  learnedAt: number | null;
  step: string | null;
  lastAttempt: { at: number; ok: boolean; steps: { step: string; ok: boolean; detail: string }[] } | null;
}

const POLL_MS = 1500;
/** The learning steps (USSD, SMS query, discovery) each wait a minute or two at most. */
const POLL_LIMIT_MS = 6 * 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function attemptText(last: NonNullable<OwnNumberStatus['lastAttempt']>): string {
  const params = { at: formatDateTime(new Date(last.at).toISOString()), detail: last.steps.map((s) => `${ownNumberStepLabel(s.step)}: ${s.detail}`).join('; ') };
  return last.ok ? t('ownnumber.lastOk', params) : t('ownnumber.lastFailed', params);
}

/**
 * Own numbers (manual §5.11): per line the SIM's number, how it was learned and when. "Learn now"
 * starts learning (202 while it asks) and polls until no step is left; a number can also be set by hand.
 */
export default function OwnNumberPage() {
  const [rows, setRows] = useState<Record<number, OwnNumberStatus>>({});
  const [learning, setLearning] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!linesLoaded.value && linesError.value === null) void refreshLines();
  }, []);
  const ids = lineIds.value;
  useEffect(() => {
    for (const id of ids) void load(id);
  }, [ids.join(',')]);

  async function load(id: number): Promise<OwnNumberStatus | null> {
    try {
      const st = await api<OwnNumberStatus>('GET', `/lines/${id}/own-number`);
      setRows((r) => ({ ...r, [id]: st }));
      return st;
    } catch (e) {
      setError(e);
      return null;
    }
  }

  async function learn(id: number) {
    setError(null);
    setLearning((l) => ({ ...l, [id]: true }));
    try {
      let st: OwnNumberStatus | null = await api<OwnNumberStatus>('POST', `/lines/${id}/own-number`);
      setRows((r) => ({ ...r, [id]: st! }));
      for (const end = Date.now() + POLL_LIMIT_MS; st && st.step !== null && Date.now() < end; ) {
        await sleep(POLL_MS);
        st = await load(id);
      }
    } catch (e) {
      setError(e);
    } finally {
      setLearning((l) => ({ ...l, [id]: false }));
    }
  }

  return (
    <section aria-labelledby="ownnumber-title">
      <h1 id="ownnumber-title">{t('ownnumber.title')}</h1>
      <p class="hint">{t('ownnumber.intro')}</p>
      <Alert error={error} />
      <div class="table-wrap">
        <table class="data cards" data-table="own-number">
          <thead>
            <tr>
              <th scope="col">{t('ownnumber.line')}</th>
              <th scope="col">{t('ownnumber.iccid')}</th>
              <th scope="col">{t('ownnumber.number')}</th>
              <th scope="col">{t('ownnumber.method')}</th>
              <th scope="col">{t('ownnumber.learnedAt')}</th>
              <th scope="col">{t('ownnumber.progress')}</th>
              <th scope="col">{t('ownnumber.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => {
              const st = rows[id];
              const busy = learning[id] === true;
              const last = st?.lastAttempt;
              return (
                <tr key={id} data-line={id}>
                  <th scope="row" data-label={t('ownnumber.line')}>
                    {t('field.lineN', { line: id })}
                  </th>
                  <td data-label={t('ownnumber.iccid')} data-col="iccid">
                    {st?.iccid ?? '—'}
                  </td>
                  <td data-label={t('ownnumber.number')} data-col="number">
                    {st?.number ?? t('ownnumber.unknown')}
                  </td>
                  <td data-label={t('ownnumber.method')} data-col="method" data-method={st?.method ?? ''}>
                    {st?.method ? ownNumberMethodLabel(st.method) : '—'}
                  </td>
                  <td data-label={t('ownnumber.learnedAt')} data-col="learnedAt">
                    {st?.learnedAt ? formatDateTime(new Date(st.learnedAt).toISOString()) : '—'}
                  </td>
                  <td data-label={t('ownnumber.progress')} data-col="step" {...(id in learning ? { 'data-result': busy || st?.step ? 'asking' : st?.number ? 'known' : 'unknown' } : {})} aria-live="polite">
                    {st?.step
                      ? t('ownnumber.asking', { step: ownNumberStepLabel(st.step) })
                      : last
                        ? attemptText(last)
                        : busy
                          ? t('ownnumber.starting')
                          : id in learning && st?.number
                            ? t('ownnumber.known')
                            : '—'}
                  </td>
                  <td data-label={t('ownnumber.actions')} class="actions">
                    <button type="button" data-action="learn" disabled={busy || !st?.iccid} onClick={() => void learn(id)} aria-label={t('ownnumber.learnLine', { line: id })}>
                      {t('ownnumber.learn')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <OwnNumberManualForm rows={rows} onSaved={(id) => void load(id)} />
    </section>
  );
}
