import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/client';
import { ConfigFieldError } from '../components/config-field-error';
import { GROUP_STYLE } from '../components/config-group-style';
import { ConfigSaveResult, type SaveAnswer } from '../components/config-save-result';
import { pathText } from '../config/draft';
import { validateSection, type FieldMessage } from '../config/section-validator';
import { apiFields, errorMap, focusFirstInvalid } from '../config/use-section-editor';
import { SettingsPageFrame } from '../components/settings-page-frame';
import { t } from '../i18n/index';
import { REDACTED } from '../../../src/config/secret-fields.js';

/**
 * SMS forwarding (manual §4.10 短信转发至 VoIP / 手机 / 邮箱; `#/settings/sms-forward`): each rule forwards
 * what some lines (or all) receive to a phone, e-mail addresses, a webhook and/or a SIP extension.
 * The rules are `sms.forward` of the configuration, saved with PUT /api/config/sms.
 */
interface ForwardRule {
  lines?: Array<number | string>;
  phone?: string;
  email?: string[];
  webhook?: { url: string; secret?: string; timeoutSec?: number | string };
  sip?: string;
}

const splitList = (s: string) => s.split(/[,，\s]+/u).filter((x) => x !== '');

/** A rule with its empty parts left out, as the configuration writes it. */
function cleaned(r: ForwardRule): ForwardRule {
  const out: ForwardRule = {};
  if (r.lines && r.lines.length > 0) out.lines = r.lines;
  if (r.phone) out.phone = r.phone;
  if (r.email && r.email.length > 0) out.email = r.email;
  if (r.webhook && (r.webhook.url || r.webhook.secret)) out.webhook = r.webhook;
  if (r.sip) out.sip = r.sip;
  return out;
}

function summary(r: ForwardRule): string {
  const to = [
    r.phone && t('config.forward.toPhone', { phone: r.phone }),
    r.email && r.email.length > 0 && t('config.forward.toEmail', { list: r.email.join(', ') }),
    r.webhook?.url && t('config.forward.toWebhook', { url: r.webhook.url }),
    r.sip && t('config.forward.toSip', { sip: r.sip }),
  ].filter(Boolean);
  const from = r.lines && r.lines.length > 0 ? t('config.forward.fromLines', { lines: r.lines.join(', ') }) : t('config.forward.fromAll');
  return to.length === 0 ? t('config.forward.nowhere') : t('config.forward.summary', { from, to: to.join(t('config.rule.listSeparator')) });
}

function TextField(props: { id: string; label: string; path: string; value: string; hint?: string; errors: readonly string[] | undefined; secret?: boolean; placeholder?: string; onInput(v: string): void }) {
  const errId = props.errors && props.errors.length > 0 ? `${props.id}-err` : undefined;
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const common = { id: props.id, value: props.value, placeholder: props.placeholder, onInput: (e: { currentTarget: HTMLInputElement }) => props.onInput(e.currentTarget.value), 'aria-describedby': [hintId, errId].filter(Boolean).join(' ') || undefined, 'aria-invalid': errId ? true : undefined, spellcheck: false };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.secret ? <input type="password" autocomplete="new-password" {...common} /> : <input type="text" autocomplete="off" {...common} />}
      {props.hint && (
        <span id={hintId} class="hint">
          {props.hint}
        </span>
      )}
      <ConfigFieldError id={`${props.id}-err`} path={props.path} messages={props.errors} />
    </div>
  );
}

export default function SettingsSmsForwardPage() {
  const [whole, setWhole] = useState<Record<string, unknown> | null>(null);
  const [rules, setRules] = useState<ForwardRule[]>([]);
  const [errors, setErrors] = useState<FieldMessage[]>([]);
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<SaveAnswer | null>(null);
  const [busy, setBusy] = useState(false);

  function load(w: Record<string, unknown>) {
    setWhole(w);
    setRules(((w['sms'] as { forward?: ForwardRule[] } | undefined)?.forward ?? []).map((r) => ({ ...r })));
  }
  useEffect(() => {
    api<Record<string, unknown>>('GET', '/config').then(load).catch(setError);
  }, []);

  const sms = (list: ForwardRule[]) => ({ ...(whole?.['sms'] as object), forward: list.map(cleaned) });
  function change(next: ForwardRule[]) {
    setRules(next);
    setAnswer(null);
    if (checked && whole) setErrors(validateSection('sms', sms(next), whole));
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!whole) return;
    setChecked(true);
    setError(null);
    const found = validateSection('sms', sms(rules), whole);
    setErrors(found);
    if (found.length > 0) return focusFirstInvalid();
    setBusy(true);
    try {
      const a = await api<SaveAnswer & { value: unknown }>('PUT', '/config/sms', sms(rules));
      load({ ...whole, sms: a.value });
      setAnswer(a);
    } catch (err) {
      const fields = apiFields(err);
      if (fields) {
        setErrors(fields);
        focusFirstInvalid();
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  const byPath = useMemo(() => errorMap(errors), [errors]);
  const shown = new Set<string>();
  const errs = (path: string) => {
    shown.add(path);
    return byPath.get(path);
  };
  const listErrs = (path: string) => {
    const found = [...byPath.entries()].filter(([k]) => k === path || k.startsWith(`${path}[`));
    for (const [k] of found) shown.add(k);
    return found.flatMap(([, v]) => v);
  };

  const form = whole && (
    <form data-form="sms-forward" class="form" onSubmit={save} noValidate>
      {rules.length === 0 && <p class="hint">{t('config.forward.none')}</p>}
      {rules.map((r, i) => {
        const at = (...k: Array<string>) => pathText(['sms', 'forward', i, ...k]);
        const set = (patch: Partial<ForwardRule>) => change(rules.map((x, j) => (j === i ? { ...x, ...patch } : x)));
        const storedSecret = r.webhook?.secret === REDACTED;
        return (
          <fieldset key={i} class="config-group" style={GROUP_STYLE} data-forward-rule={i}>
            <legend>{t('config.forward.rule', { n: i + 1 })}</legend>
            <p class="hint" aria-live="polite" data-explain={at()}>
              {summary(cleaned(r))}
            </p>
            <ConfigFieldError id={`fwd-${i}-err`} path={at()} messages={errs(at())} />
            <TextField id={`fwd-${i}-lines`} label={t('config.forward.lines')} hint={t('config.forward.linesHint')} path={at('lines')} value={(r.lines ?? []).join(', ')} errors={listErrs(at('lines'))} onInput={(v) => set({ lines: splitList(v).map((x) => (/^\d+$/.test(x) ? Number(x) : x)) })} />
            <TextField id={`fwd-${i}-phone`} label={t('config.forward.phone')} path={at('phone')} value={r.phone ?? ''} errors={errs(at('phone'))} onInput={(v) => set({ phone: v.trim() || undefined })} />
            <TextField id={`fwd-${i}-email`} label={t('config.forward.email')} hint={t('config.forward.emailHint')} path={at('email')} value={(r.email ?? []).join(', ')} errors={listErrs(at('email'))} onInput={(v) => set({ email: splitList(v) })} />
            <TextField id={`fwd-${i}-webhook`} label={t('config.forward.webhook')} path={at('webhook', 'url')} value={r.webhook?.url ?? ''} errors={[...(errs(at('webhook')) ?? []), ...(errs(at('webhook', 'url')) ?? [])]} onInput={(v) => set({ webhook: { ...(r.webhook ?? {}), url: v.trim() } })} />
            {r.webhook?.url && (
              <TextField
                id={`fwd-${i}-secret`}
                label={t('config.forward.secret')}
                secret
                placeholder={storedSecret ? t('config.unchanged') : undefined}
                hint={storedSecret ? t('config.secretKept') : t('config.forward.secretHint')}
                path={at('webhook', 'secret')}
                value={storedSecret ? '' : (r.webhook.secret ?? '')}
                errors={errs(at('webhook', 'secret'))}
                onInput={(v) => {
                  const webhook = { ...r.webhook!, secret: v === '' ? undefined : v };
                  if (v === '' && storedSecret) webhook.secret = REDACTED;
                  set({ webhook });
                }}
              />
            )}
            <TextField id={`fwd-${i}-sip`} label={t('config.forward.sip')} hint={t('config.forward.sipHint')} path={at('sip')} value={r.sip ?? ''} errors={errs(at('sip'))} onInput={(v) => set({ sip: v.trim() || undefined })} />
            <button type="button" onClick={() => change(rules.filter((_, j) => j !== i))}>
              {t('config.forward.remove', { n: i + 1 })}
            </button>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => change([...rules, {}])}>
        {t('config.forward.add')}
      </button>
      <button type="submit" class="primary" disabled={busy}>
        {t('config.save')}
      </button>
    </form>
  );

  return (
    <SettingsPageFrame titleId="sms-forward-title" title={t('config.forward.title')} error={error} errors={errors} shown={shown}>
      {form}
      {answer && <ConfigSaveResult answer={answer} />}
    </SettingsPageFrame>
  );
}
