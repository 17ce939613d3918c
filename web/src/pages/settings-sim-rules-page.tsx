import { useState } from 'preact/hooks';
import { ConfigFieldError } from '../components/config-field-error';
import { GROUP_STYLE } from '../components/config-group-style';
import { PolicyFormFrame } from '../components/policy-form-frame';
import { pathText } from '../config/draft';
import { TRIGGER_KINDS, triggerLabel, type TriggerKind } from '../config/trigger-labels';
import { usePolicySave } from '../config/use-policy-save';
import { t } from '../i18n/index';

/**
 * SIM switch and disable rules (manual §4.12; `#/settings/sim-rules`): when a line moves to another
 * SIM and when a SIM is taken out of use, checked by the server's validator, saved with PUT
 * /api/policy (the running policy engine takes them at once).
 */
interface DisableRule {
  trigger: TriggerKind;
  threshold: number | string;
  disableMinutes: number | string;
}
type Policy = Record<string, unknown> & {
  switchRules: { strategy: string; triggers: Partial<Record<TriggerKind, number | string>>; duringCall: string; switchWhenExhausted: boolean };
  disableRules: DisableRule[];
};

/** An input's text as the number it stands for, or the text itself (the validator then names it). */
function numberOrText(raw: string): number | string {
  const s = raw.trim();
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

function NumberField(props: { id: string; label: string; path: string; value: number | string | undefined; errors: readonly string[] | undefined; hint?: string; onInput(v: string): void }) {
  const errId = props.errors && props.errors.length > 0 ? `${props.id}-err` : undefined;
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} type="text" inputMode="numeric" autocomplete="off" value={props.value === undefined ? '' : String(props.value)} onInput={(e) => props.onInput(e.currentTarget.value)} aria-describedby={[hintId, errId].filter(Boolean).join(' ') || undefined} aria-invalid={errId ? true : undefined} />
      {props.hint && (
        <span id={hintId} class="hint">
          {props.hint}
        </span>
      )}
      <ConfigFieldError id={`${props.id}-err`} path={props.path} messages={props.errors} />
    </div>
  );
}

export default function SettingsSimRulesPage() {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const policySave = usePolicySave<Policy>(setPolicy);
  const { edited, fieldErrors: errs } = policySave;

  function change(next: Policy) {
    setPolicy(next);
    edited(next);
  }

  let form = null;
  if (policy) {
    const sw = policy.switchRules;
    const setSwitch = (patch: Partial<Policy['switchRules']>) => change({ ...policy, switchRules: { ...sw, ...patch } });
    const setRule = (i: number, patch: Partial<DisableRule>) => change({ ...policy, disableRules: policy.disableRules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
    form = (
      <>
        <fieldset class="config-group" style={GROUP_STYLE}>
          <legend>{t('limits.switchTitle')}</legend>
          <div class="field">
            <label for="switch-strategy">{t('limits.strategy')}</label>
            <select id="switch-strategy" value={sw.strategy} onChange={(e) => setSwitch({ strategy: e.currentTarget.value })}>
              <option value="sequential">{t('limits.strategySequential')}</option>
              <option value="random">{t('limits.strategyRandom')}</option>
              <option value="most-minutes">{t('limits.strategyMostMinutes')}</option>
            </select>
          </div>
          <p class="hint">{t('limits.triggersHint')}</p>
          {TRIGGER_KINDS.map((k) => {
            const p = pathText(['policy', 'switchRules', 'triggers', k]);
            return (
              <NumberField
                key={k}
                id={`trigger-${k}`}
                label={triggerLabel(k)}
                path={p}
                value={sw.triggers[k]}
                errors={errs(p)}
                onInput={(raw) => {
                  const triggers = { ...sw.triggers };
                  if (raw.trim() === '') delete triggers[k];
                  else triggers[k] = numberOrText(raw);
                  setSwitch({ triggers });
                }}
              />
            );
          })}
          <div class="field">
            <label for="switch-during-call">{t('limits.duringCall')}</label>
            <select id="switch-during-call" value={sw.duringCall} onChange={(e) => setSwitch({ duringCall: e.currentTarget.value })}>
              <option value="wait">{t('limits.duringCallWait')}</option>
              <option value="hangup">{t('limits.duringCallHangup')}</option>
            </select>
          </div>
          <div class="field check">
            <label for="switch-exhausted">
              <input id="switch-exhausted" type="checkbox" checked={sw.switchWhenExhausted} onChange={(e) => setSwitch({ switchWhenExhausted: e.currentTarget.checked })} /> {t('limits.switchWhenExhausted')}
            </label>
          </div>
        </fieldset>

        <fieldset class="config-group" style={GROUP_STYLE}>
          <legend>{t('limits.disableTitle')}</legend>
          {policy.disableRules.length === 0 && <p class="hint">{t('limits.noDisableRules')}</p>}
          {policy.disableRules.map((r, i) => {
            const at = (k: string) => pathText(['policy', 'disableRules', i, k]);
            const manual = r.disableMinutes === 'manual';
            return (
              <fieldset key={i} class="config-group" style={GROUP_STYLE} data-disable-rule={i}>
                <legend>{t('limits.disableRule', { n: i + 1 })}</legend>
                <div class="field">
                  <label for={`disable-${i}-trigger`}>{t('limits.disableWhen')}</label>
                  <select id={`disable-${i}-trigger`} value={r.trigger} onChange={(e) => setRule(i, { trigger: e.currentTarget.value as TriggerKind })}>
                    {TRIGGER_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {triggerLabel(k)}
                      </option>
                    ))}
                  </select>
                  <ConfigFieldError id={`disable-${i}-trigger-err`} path={at('trigger')} messages={errs(at('trigger'))} />
                </div>
                <NumberField id={`disable-${i}-threshold`} label={t('limits.threshold')} path={at('threshold')} value={r.threshold} errors={errs(at('threshold'))} onInput={(raw) => setRule(i, { threshold: numberOrText(raw) })} />
                <div class="field check">
                  <label for={`disable-${i}-manual`}>
                    <input id={`disable-${i}-manual`} type="checkbox" checked={manual} onChange={(e) => setRule(i, { disableMinutes: e.currentTarget.checked ? 'manual' : 60 })} /> {t('limits.untilEnabled')}
                  </label>
                </div>
                {!manual && <NumberField id={`disable-${i}-minutes`} label={t('limits.disableMinutes')} hint={t('limits.disableMinutesHint')} path={at('disableMinutes')} value={r.disableMinutes} errors={errs(at('disableMinutes'))} onInput={(raw) => setRule(i, { disableMinutes: numberOrText(raw) })} />}
                <button type="button" onClick={() => change({ ...policy, disableRules: policy.disableRules.filter((_, j) => j !== i) })}>
                  {t('limits.removeRule', { n: i + 1 })}
                </button>
              </fieldset>
            );
          })}
          <button type="button" onClick={() => change({ ...policy, disableRules: [...policy.disableRules, { trigger: 'consecutive-failed', threshold: 5, disableMinutes: 60 }] })}>
            {t('limits.addRule')}
          </button>
        </fieldset>
      </>
    );
  }

  return (
    <PolicyFormFrame titleId="sim-rules-title" title={t('limits.rulesTitle')} form="sim-rules" savedText={t('limits.rulesSaved')} loaded={policy !== null} policySave={policySave} onSubmit={(e) => void policySave.save(e, policy)}>
      {form}
    </PolicyFormFrame>
  );
}
