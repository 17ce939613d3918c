import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';

/** One line's account as `sip.registration.lines` holds it (src/sip/accounts/auto-fill-request.ts). */
interface FilledLine {
  line: number;
  authId: string;
  password?: string;
  phoneNumber?: string;
  displayName?: string;
  homeDomain?: string;
  registrar: string;
  backupRegistrar?: string;
  outboundProxy?: string;
  transport: string;
  expiresSec: number;
}

const TEXT_FIELDS = ['authId', 'password', 'phoneNumber', 'displayName', 'homeDomain', 'registrar', 'backupRegistrar', 'outboundProxy'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const REQUIRED = new Set<TextField>(['authId', 'registrar']);

function fieldLabel(f: TextField): string {
  switch (f) {
    case 'authId':
      return t('autofill.field.authId');
    case 'password':
      return t('autofill.field.password');
    case 'phoneNumber':
      return t('autofill.field.phoneNumber');
    case 'displayName':
      return t('autofill.field.displayName');
    case 'homeDomain':
      return t('autofill.field.homeDomain');
    case 'registrar':
      return t('autofill.field.registrar');
    case 'backupRegistrar':
      return t('autofill.field.backupRegistrar');
    case 'outboundProxy':
      return t('autofill.field.outboundProxy');
  }
}

/** The request body from the form: empty optional fields are left out, as the server expects. */
function requestFrom(form: HTMLFormElement): { account: Record<string, string | number>; count?: number } {
  const d = new FormData(form);
  const account: Record<string, string | number> = {};
  for (const f of TEXT_FIELDS) {
    const v = String(d.get(f) ?? '').trim();
    if (v !== '') account[f] = v;
  }
  account['transport'] = String(d.get('transport') ?? 'udp');
  const expires = String(d.get('expiresSec') ?? '').trim();
  if (expires !== '') account['expiresSec'] = Number(expires);
  const count = String(d.get('count') ?? '').trim();
  return { account, ...(count !== '' ? { count: Number(count) } : {}) };
}

/** The request as shown before sending: the password is never put on screen. */
function shown(req: ReturnType<typeof requestFrom>): string {
  const account = { ...req.account, ...(req.account['password'] !== undefined ? { password: '••••' } : {}) };
  return JSON.stringify({ ...req, account }, null, 2);
}

/**
 * SIP registration "auto-fill other lines" (manual §4.3, per-line mode): line 1's account in, the
 * accounts of every line out, as they would go under `sip.registration.lines`. Nothing is saved.
 */
export default function SipAutofillPage() {
  const [preview, setPreview] = useState('');
  const [lines, setLines] = useState<FilledLine[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const req = requestFrom(e.currentTarget as HTMLFormElement);
    setPreview(shown(req));
    setBusy(true);
    setError(null);
    setLines(null);
    try {
      setLines((await api<{ lines: FilledLine[] }>('POST', '/sip/registration/auto-fill', req)).lines);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="autofill-title">
      <h1 id="autofill-title">{t('autofill.title')}</h1>
      <p class="hint">{t('autofill.intro')}</p>
      <form data-form="sip-autofill" class="form" onSubmit={submit} onInput={(e) => setPreview(shown(requestFrom(e.currentTarget as HTMLFormElement)))}>
        {TEXT_FIELDS.map((f) => (
          <div class="field" key={f}>
            <label for={`autofill-${f}`}>{fieldLabel(f)}</label>
            {f === 'password' ? (
              <input id={`autofill-${f}`} name={f} type="password" maxLength={253} autocomplete="new-password" />
            ) : (
              <input id={`autofill-${f}`} name={f} type="text" required={REQUIRED.has(f)} maxLength={253} autocomplete="off" />
            )}
          </div>
        ))}
        <div class="field">
          <label for="autofill-transport">{t('autofill.field.transport')}</label>
          <select id="autofill-transport" name="transport">
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
            <option value="tls">TLS</option>
          </select>
        </div>
        <div class="field">
          <label for="autofill-expires">{t('autofill.field.expiresSec')}</label>
          <input id="autofill-expires" name="expiresSec" type="number" min={60} max={86400} step={1} placeholder="3600" />
        </div>
        <div class="field">
          <label for="autofill-count">{t('autofill.field.count')}</label>
          <input id="autofill-count" name="count" type="number" min={1} max={64} step={1} aria-describedby="autofill-count-hint" />
          <span id="autofill-count-hint" class="hint">
            {t('autofill.countHint')}
          </span>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('autofill.fill')}
        </button>
      </form>
      {preview && (
        <>
          <h2>{t('autofill.request')}</h2>
          <pre class="json-preview" data-preview>
            {preview}
          </pre>
        </>
      )}
      <Alert error={error} />
      {lines && (
        <div class="result" role="status" data-result={lines.length}>
          <h2>{t('autofill.answer', { count: lines.length })}</h2>
          <p class="hint">{t('autofill.notSaved')}</p>
          <div class="table-wrap">
            <table class="data cards" data-table="sip-autofill">
              <thead>
                <tr>
                  <th scope="col">{t('autofill.line')}</th>
                  <th scope="col">{t('autofill.authId')}</th>
                  <th scope="col">{t('autofill.field.phoneNumber')}</th>
                  <th scope="col">{t('autofill.field.displayName')}</th>
                  <th scope="col">{t('autofill.field.registrar')}</th>
                  <th scope="col">{t('autofill.field.transport')}</th>
                  <th scope="col">{t('autofill.field.expiresSec')}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.line} data-line={l.line}>
                    <th scope="row" data-label={t('autofill.line')}>
                      {l.line}
                    </th>
                    <td data-label={t('autofill.authId')}>{l.authId}</td>
                    <td data-label={t('autofill.field.phoneNumber')}>{l.phoneNumber ?? '—'}</td>
                    <td data-label={t('autofill.field.displayName')}>{l.displayName ?? '—'}</td>
                    <td data-label={t('autofill.field.registrar')}>{l.registrar}</td>
                    <td data-label={t('autofill.field.transport')}>{l.transport}</td>
                    <td data-label={t('autofill.field.expiresSec')}>{l.expiresSec}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <details>
            <summary>{t('autofill.json')}</summary>
            <pre class="json-preview">{JSON.stringify(lines.map((l) => (l.password !== undefined ? { ...l, password: '••••' } : l)), null, 2)}</pre>
          </details>
        </div>
      )}
    </section>
  );
}
