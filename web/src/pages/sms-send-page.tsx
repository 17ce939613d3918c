import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { onEvent } from '../api/events';
import type { OutboundSms, OutStatus } from '../api/types';
import { Alert } from '../components/alert';
import { LineSelect } from '../components/line-select';
import { t } from '../i18n/index';
import { outStatusLabel } from '../labels';
import { smsParts } from './sms-parts';

/** Send SMS (manual §5.5): queued at once; the answer names the message, whose status follows live. */
export default function SmsSendPage() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [queued, setQueued] = useState<{ id: string; status: OutStatus } | null>(null);

  useEffect(
    () =>
      onEvent('sms', (d) => {
        const e = d as { id?: string; status?: OutStatus };
        setQueued((q) => (q && e.id === q.id && e.status ? { id: q.id, status: e.status } : q));
      }),
    [],
  );

  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const line = String(data.get('line') ?? '');
    setBusy(true);
    setError(null);
    try {
      const m = await api<OutboundSms>('POST', '/sms', {
        to: String(data.get('to') ?? '').trim(),
        text,
        ...(line ? { line: Number(line) } : {}),
      });
      setQueued({ id: m.id, status: m.status });
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const parts = smsParts(text);
  return (
    <section aria-labelledby="sms-send-title">
      <h1 id="sms-send-title">{t('smsSend.title')}</h1>
      <form data-form="sms-send" class="form" onSubmit={submit}>
        <div class="field">
          <label for="sms-to">{t('smsSend.to')}</label>
          <input id="sms-to" name="to" type="tel" inputMode="tel" autocomplete="off" required pattern="\+?[0-9]{1,20}" aria-describedby="sms-to-hint" />
          <span id="sms-to-hint" class="hint">
            {t('smsSend.toHint')}
          </span>
        </div>
        <div class="field">
          <label for="sms-text">{t('smsSend.text')}</label>
          <textarea id="sms-text" name="text" rows={5} required value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} aria-describedby="sms-text-count" />
          <span id="sms-text-count" class="hint" aria-live="polite">
            {t('smsSend.count', { chars: parts.chars, parts: parts.parts, encoding: parts.ucs2 ? 'UCS-2' : 'GSM 7-bit' })}
          </span>
        </div>
        <LineSelect automatic />
        <Alert error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('smsSend.submit')}
        </button>
      </form>
      {queued && (
        <p class="success" role="status" data-sms-queued={queued.id} data-status={queued.status}>
          {t('smsSend.queued', { id: queued.id, status: outStatusLabel(queued.status) })}{' '}
          <a href="#/sms/outbox">{t('smsSend.toOutbox')}</a>
        </p>
      )}
    </section>
  );
}
