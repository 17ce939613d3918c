import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { lineIds, linesError, linesLoaded, refreshLines } from '../api/lines-store';
import { Alert } from '../components/alert';
import { CardTable, type CardColumn } from '../components/card-table';
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

/** The progress cell: the step being asked, else the last attempt's outcome (`data-result` once "learn now" was pressed). */
function progressText(st: OwnNumberStatus | undefined, busy: boolean, pressed: boolean): string {
  if (st?.step) return t('ownnumber.asking', { step: ownNumberStepLabel(st.step) });
  if (st?.lastAttempt) return attemptText(st.lastAttempt);
  if (busy) return t('ownnumber.starting');
  return pressed && st?.number ? t('ownnumber.known') : '—';
}

/** One card per line: the SIM, its number, how and when it was learned, and "learn now". */
function ownNumberColumns(rows: Record<number, OwnNumberStatus>, learning: Record<number, boolean>, learn: (id: number) => Promise<void>): CardColumn<number>[] {
  const busy = (id: number) => learning[id] === true;
  return [
    { label: t('ownnumber.line'), rowHeader: true, cell: (id) => t('field.lineN', { line: id }) },
    { col: 'iccid', label: t('ownnumber.iccid'), cell: (id) => rows[id]?.iccid ?? '—' },
    { col: 'number', label: t('ownnumber.number'), cell: (id) => rows[id]?.number ?? t('ownnumber.unknown') },
    { col: 'method', label: t('ownnumber.method'), attrs: (id) => ({ 'data-method': rows[id]?.method ?? '' }), cell: (id) => (rows[id]?.method ? ownNumberMethodLabel(rows[id]!.method!) : '—') },
    { col: 'learnedAt', label: t('ownnumber.learnedAt'), cell: (id) => (rows[id]?.learnedAt ? formatDateTime(new Date(rows[id]!.learnedAt!).toISOString()) : '—') },
    {
      col: 'step',
      label: t('ownnumber.progress'),
      attrs: (id) => ({ 'data-result': id in learning ? (busy(id) || rows[id]?.step ? 'asking' : rows[id]?.number ? 'known' : 'unknown') : undefined, 'aria-live': 'polite' }),
      cell: (id) => progressText(rows[id], busy(id), id in learning),
    },
    {
      label: t('ownnumber.actions'),
      class: 'actions',
      cell: (id) => (
        <button type="button" data-action="learn" disabled={busy(id) || !rows[id]?.iccid} onClick={() => void learn(id)} aria-label={t('ownnumber.learnLine', { line: id })}>
          {t('ownnumber.learn')}
        </button>
      ),
    },
  ];
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
      <CardTable name="own-number" columns={ownNumberColumns(rows, learning, learn)} rows={ids} rowKey={(id) => id} rowAttrs={(id) => ({ 'data-line': id })} />
      <OwnNumberManualForm rows={rows} onSaved={(id) => void load(id)} />
    </section>
  );
}
