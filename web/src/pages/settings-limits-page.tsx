import { useState } from 'preact/hooks';
import { ConfigFieldError } from '../components/config-field-error';
import { GROUP_STYLE } from '../components/config-group-style';
import { PolicyFormFrame } from '../components/policy-form-frame';
import { ConfigLimitInput } from '../components/config-limit-input';
import { pathText } from '../config/draft';
import type { LimitField } from '../config/explain-words';
import { usePolicySave } from '../config/use-policy-save';
import { t } from '../i18n/index';

/**
 * SIM limits (manual §4.8; `#/settings/limits`): the device-wide limits and the per-SIM ones in the
 * manual's syntax, explained as typed, checked by the server's own validator, saved with PUT
 * /api/policy (which hands them to the running policy engine at once).
 */
type Policy = Record<string, unknown> & {
  limits: Partial<Record<LimitField, string>> & { callCountIncludesUnanswered?: boolean };
  slotLimits: Record<string, Partial<Record<LimitField, string | null>>>;
};

/** Per SIM, each limit is the device-wide one, none at all, or its own. */
type Mode = 'inherit' | 'none' | 'own';
interface SlotRow {
  key: string;
  fields: Record<LimitField, { mode: Mode; text: string }>;
}

const FIELDS: readonly LimitField[] = ['callMinutes', 'callCount', 'smsCount'];

function fieldLabel(f: LimitField): string {
  return f === 'callMinutes' ? t('limits.callMinutes') : f === 'callCount' ? t('limits.callCount') : t('limits.smsCount');
}

function rowsOf(slotLimits: Policy['slotLimits']): SlotRow[] {
  return Object.entries(slotLimits).map(([key, v]) => ({
    key,
    fields: Object.fromEntries(FIELDS.map((f) => [f, v[f] === undefined ? { mode: 'inherit', text: '' } : v[f] === null ? { mode: 'none', text: '' } : { mode: 'own', text: v[f] }])) as SlotRow['fields'],
  }));
}

function slotLimitsOf(rows: readonly SlotRow[]): Policy['slotLimits'] {
  const out: Policy['slotLimits'] = {};
  for (const r of rows) {
    const entry: Partial<Record<LimitField, string | null>> = {};
    for (const f of FIELDS) {
      const x = r.fields[f];
      if (x.mode === 'none') entry[f] = null;
      else if (x.mode === 'own') entry[f] = x.text;
    }
    out[r.key.trim()] = entry;
  }
  return out;
}

export default function SettingsLimitsPage() {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [limits, setLimits] = useState<Policy['limits']>({});
  const [rows, setRows] = useState<SlotRow[]>([]);

  function load(p: Policy) {
    setPolicy(p);
    setLimits(p.limits);
    setRows(rowsOf(p.slotLimits ?? {}));
  }
  const policySave = usePolicySave<Policy>(load);
  const { edited, fieldErrors: errs } = policySave;

  function candidate(nextLimits = limits, nextRows = rows): Policy | null {
    if (!policy) return null;
    const l: Policy['limits'] = { ...nextLimits };
    for (const f of FIELDS) if (l[f] !== undefined && l[f]!.trim() === '') delete l[f];
    return { ...policy, limits: l, slotLimits: slotLimitsOf(nextRows) };
  }

  function changed(nextLimits: Policy['limits'], nextRows: SlotRow[]) {
    setLimits(nextLimits);
    setRows(nextRows);
    edited(candidate(nextLimits, nextRows));
  }

  return (
    <PolicyFormFrame titleId="limits-title" title={t('limits.title')} form="limits" savedText={t('limits.saved')} loaded={policy !== null} policySave={policySave} onSubmit={(e) => void policySave.save(e, candidate())}>
      <p class="hint">{t('limits.syntax')}</p>
      <fieldset class="config-group" style={GROUP_STYLE}>
        <legend>{t('limits.deviceWide')}</legend>
        {FIELDS.map((f) => (
          <ConfigLimitInput key={f} id={`limit-${f}`} label={fieldLabel(f)} field={f} path={pathText(['policy', 'limits', f])} value={limits[f] ?? ''} errors={errs(pathText(['policy', 'limits', f]))} onInput={(v) => changed({ ...limits, [f]: v }, rows)} />
        ))}
        <div class="field check">
          <label for="limit-unanswered">
            <input id="limit-unanswered" type="checkbox" checked={limits.callCountIncludesUnanswered !== false} onChange={(e) => changed({ ...limits, callCountIncludesUnanswered: e.currentTarget.checked }, rows)} /> {t('limits.countUnanswered')}
          </label>
        </div>
      </fieldset>

      <fieldset class="config-group" style={GROUP_STYLE}>
        <legend>{t('limits.perSim')}</legend>
        <p class="hint">{t('limits.perSimHint')}</p>
        {rows.map((row, i) => {
          const keyPath = pathText(['policy', 'slotLimits', row.key.trim()]);
          const update = (next: SlotRow) => changed(limits, rows.map((r, j) => (j === i ? next : r)));
          return (
            <fieldset key={i} class="config-group" style={GROUP_STYLE} data-slot-limit={row.key}>
              <legend>{row.key.trim() === '' ? t('limits.newSim') : t('limits.sim', { key: row.key })}</legend>
              <div class="field">
                <label for={`slot-${i}-key`}>{t('limits.simKey')}</label>
                <input id={`slot-${i}-key`} value={row.key} autocomplete="off" onInput={(e) => update({ ...row, key: e.currentTarget.value })} aria-describedby={`slot-${i}-key-hint`} />
                <span id={`slot-${i}-key-hint`} class="hint">
                  {t('limits.simKeyHint')}
                </span>
                <ConfigFieldError id={`slot-${i}-key-err`} path={keyPath} messages={errs(keyPath)} />
              </div>
              {FIELDS.map((f) => {
                const x = row.fields[f];
                const setField = (next: { mode: Mode; text: string }) => update({ ...row, fields: { ...row.fields, [f]: next } });
                const p = pathText(['policy', 'slotLimits', row.key.trim(), f]);
                return (
                  <div key={f} class="config-limit-row">
                    <div class="field">
                      <label for={`slot-${i}-${f}-mode`}>{fieldLabel(f)}</label>
                      <select id={`slot-${i}-${f}-mode`} value={x.mode} onChange={(e) => setField({ ...x, mode: e.currentTarget.value as Mode })}>
                        <option value="inherit">{t('limits.inherit')}</option>
                        <option value="none">{t('limits.noLimit')}</option>
                        <option value="own">{t('limits.own')}</option>
                      </select>
                    </div>
                    {x.mode === 'own' && <ConfigLimitInput id={`slot-${i}-${f}`} label={t('limits.ownLabel', { field: fieldLabel(f) })} field={f} path={p} value={x.text} errors={errs(p)} onInput={(v) => setField({ mode: 'own', text: v })} />}
                  </div>
                );
              })}
              <button type="button" onClick={() => changed(limits, rows.filter((_, j) => j !== i))}>
                {t('limits.removeSim', { key: row.key })}
              </button>
            </fieldset>
          );
        })}
        <button type="button" onClick={() => changed(limits, [...rows, { key: '', fields: { callMinutes: { mode: 'own', text: '' }, callCount: { mode: 'inherit', text: '' }, smsCount: { mode: 'inherit', text: '' } } }])}>
          {t('limits.addSim')}
        </button>
      </fieldset>
    </PolicyFormFrame>
  );
}
