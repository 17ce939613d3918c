import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { loadMe } from '../api/session';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';
import { restartAndReconnect } from './system-restart';

/** What a restore or a factory reset answers (docs/api.md "System"). */
interface ChangeAnswer {
  changed: string[];
  needsRestart: string[];
  restartNeeded: boolean;
  accounts: string[] | null;
  messagesDeleted?: { inbox: number; outbox: number } | null;
}

type RestartState = 'idle' | 'restarting' | 'back' | 'timeout';

/** Manual §5: backup and restore, factory reset, restart (admin only). */
export default function SystemPage() {
  const [deviceName, setDeviceName] = useState<string | null>(null);
  const [secrets, setSecrets] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ kind: 'restore' | 'reset'; answer: ChangeAnswer } | null>(null);
  const [busy, setBusy] = useState(false);
  const [restart, setRestart] = useState<RestartState>('idle');

  useEffect(() => {
    api<{ name: string }>('GET', '/device').then((d) => setDeviceName(d.name), setError);
  }, []);

  async function restore(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem('backup') as HTMLInputElement).files?.[0];
    if (!file) return setError(t('system.restoreNoFile'));
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      return setError(t('system.restoreNotJson'));
    }
    if (!confirm(t('system.restoreConfirm'))) return;
    await run(async () => {
      setResult({ kind: 'restore', answer: await api<ChangeAnswer>('POST', '/system/restore', doc) });
      form.reset();
    });
  }

  async function factoryReset(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    await run(async () => {
      const answer = await api<ChangeAnswer>('POST', '/system/factory-reset', { confirm: String(d.get('confirm') ?? ''), wipeMessages: d.get('wipeMessages') === 'on' });
      setResult({ kind: 'reset', answer });
      form.reset();
      const dev = await api<{ name: string }>('GET', '/device');
      setDeviceName(dev.name);
    });
  }

  async function doRestart() {
    if (!confirm(t('system.restartConfirm'))) return;
    setRestart('restarting');
    setError(null);
    try {
      const back = await restartAndReconnect();
      setRestart(back ? 'back' : 'timeout');
      // The session lives in the daemon's memory: after a restart the login page takes over.
      if (back) await loadMe();
    } catch (err) {
      setRestart('idle');
      setError(err);
    }
  }

  async function run(f: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      await f();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="system-title">
      <h1 id="system-title">{t('system.title')}</h1>
      <Alert error={error} />
      {result && (
        <div class="notice" role="status" data-system-result={result.kind}>
          <p>{result.kind === 'restore' ? t('system.restored', { count: result.answer.changed.length }) : t('system.resetDone', { count: result.answer.changed.length })}</p>
          {result.answer.messagesDeleted && <p>{t('system.messagesDeleted', { inbox: result.answer.messagesDeleted.inbox, outbox: result.answer.messagesDeleted.outbox })}</p>}
          {result.answer.restartNeeded && <p>{t('system.needsRestart', { settings: result.answer.needsRestart.slice(0, 10).join(', ') })}</p>}
        </div>
      )}

      <h2 id="system-backup">{t('system.backupTitle')}</h2>
      <p>{t('system.backupHint')}</p>
      <div class="form" role="group" aria-labelledby="system-backup">
        <div class="field">
          <label>
            <input type="checkbox" name="secrets" checked={secrets} onChange={(e) => setSecrets((e.currentTarget as HTMLInputElement).checked)} /> {t('system.backupSecrets')}
          </label>
          <span class="hint">{t('system.backupSecretsHint')}</span>
        </div>
        <a class="button primary" data-action="backup" href={`/api/system/backup${secrets ? '?secrets=true' : ''}`} download>
          {t('system.backupDownload')}
        </a>
      </div>

      <h2>{t('system.restoreTitle')}</h2>
      <form data-form="restore" class="form" onSubmit={restore}>
        <div class="field">
          <label for="system-restore-file">{t('system.restoreFile')}</label>
          <input id="system-restore-file" name="backup" type="file" accept="application/json,.json" required aria-describedby="system-restore-hint" />
          <span id="system-restore-hint" class="hint">
            {t('system.restoreHint')}
          </span>
        </div>
        <button type="submit" disabled={busy}>
          {t('system.restoreButton')}
        </button>
      </form>

      <h2>{t('system.resetTitle')}</h2>
      <p>{t('system.resetHint')}</p>
      <form data-form="factory-reset" class="form" onSubmit={factoryReset}>
        <div class="field">
          <label for="system-reset-confirm">{t('system.resetConfirmLabel', { name: deviceName ?? '' })}</label>
          <input id="system-reset-confirm" name="confirm" type="text" autocomplete="off" required />
        </div>
        <div class="field">
          <label>
            <input type="checkbox" name="wipeMessages" /> {t('system.resetWipeMessages')}
          </label>
        </div>
        <button type="submit" class="danger" disabled={busy || deviceName === null}>
          {t('system.resetButton')}
        </button>
      </form>

      <h2>{t('system.restartTitle')}</h2>
      <p>{t('system.restartHint')}</p>
      <button type="button" data-action="restart" onClick={doRestart} disabled={restart === 'restarting'}>
        {t('system.restartButton')}
      </button>
      {restart !== 'idle' && (
        <p role="status" data-restart={restart}>
          {restart === 'restarting' ? t('system.restarting') : restart === 'back' ? t('system.restartBack') : t('system.restartTimeout')}
        </p>
      )}
    </section>
  );
}
