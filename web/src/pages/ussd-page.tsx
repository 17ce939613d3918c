import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { UssdReply } from '../api/types';
import { Alert } from '../components/alert';
import { LineSelect, useLineChoice } from '../components/line-select';
import { t } from '../i18n/index';
import { ussdStateLabel } from '../labels';

/** USSD console (manual §5.4): send a code on a line, answer menus, close the session. */
export default function UssdPage() {
  const [line, setLine] = useLineChoice();
  const [reply, setReply] = useState<UssdReply | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(f: () => Promise<UssdReply | null>) {
    setBusy(true);
    setError(null);
    try {
      setReply(await f());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function send(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const id = String(d.get('line') ?? '');
    setLine(id);
    void run(() => api<UssdReply>('POST', `/lines/${encodeURIComponent(id)}/ussd`, { code: String(d.get('code') ?? '').trim() }));
  }

  function answer(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const text = String(new FormData(form).get('answer') ?? '');
    void run(() => api<UssdReply>('POST', `/lines/${encodeURIComponent(line)}/ussd/reply`, { text })).then(() => form.reset());
  }

  function close() {
    void run(async () => {
      await api('DELETE', `/lines/${encodeURIComponent(line)}/ussd`);
      return null;
    });
  }

  return (
    <section aria-labelledby="ussd-title">
      <h1 id="ussd-title">{t('ussd.title')}</h1>
      <form data-form="ussd" class="form" onSubmit={send}>
        <LineSelect value={line} onChange={setLine} />
        <div class="field">
          <label for="ussd-code">{t('ussd.code')}</label>
          <input id="ussd-code" name="code" required pattern="[0-9*#+]{1,182}" autocomplete="off" aria-describedby="ussd-code-hint" />
          <span id="ussd-code-hint" class="hint">
            {t('ussd.codeHint')}
          </span>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('ussd.send')}
        </button>
      </form>
      <Alert error={error} />
      {busy && <p role="status">{t('ussd.waiting')}</p>}
      {reply && (
        <div class="ussd-reply" aria-live="polite">
          <h2>{t('ussd.reply', { state: ussdStateLabel(reply.state) })}</h2>
          <pre data-ussd-reply data-state={reply.state}>
            {reply.text ?? reply.reason ?? ''}
          </pre>
          {reply.state === 'menu' && (
            <form data-form="ussd-answer" class="form inline" onSubmit={answer}>
              <div class="field">
                <label for="ussd-answer">{t('ussd.answer')}</label>
                <input id="ussd-answer" name="answer" required autocomplete="off" />
              </div>
              <button type="submit" disabled={busy}>
                {t('ussd.answerSend')}
              </button>
              <button type="button" onClick={close} disabled={busy}>
                {t('ussd.close')}
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
