import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { Alert } from '../components/alert';
import { ConfigField, type FieldContext } from '../components/config-field';
import { ConfigSaveResult, type SaveAnswer } from '../components/config-save-result';
import { explainField } from '../config/explain-words';
import { sectionTitle } from '../config/section-titles';
import { apiFields, useSectionEditor } from '../config/use-section-editor';
import { t } from '../i18n/index';
import { currentPath } from '../router';

/**
 * The generic editor of one configuration section (`#/settings/<section>`): GET /api/config/:section,
 * a form built from its JSON and the server's schema, the server's validator run before PUT, and the
 * answer's applied-now / needs-restart lists after saving.
 */
export default function SettingsSectionPage() {
  const section = currentPath.value.replace(/^\/settings\//, '');
  const [others, setOthers] = useState<Record<string, unknown> | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<SaveAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const editor = useSectionEditor(section, others ?? {});

  useEffect(() => {
    let live = true;
    setLoadError(null);
    setAnswer(null);
    api<Record<string, unknown>>('GET', '/config')
      .then((whole) => {
        if (!live) return;
        setOthers(whole);
        editor.load(whole[section]);
      })
      .catch((e: unknown) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [section]);

  async function save(e: Event) {
    e.preventDefault();
    setSaveError(null);
    setAnswer(null);
    if (!editor.validate()) return;
    setBusy(true);
    try {
      const a = await api<SaveAnswer & { value: unknown }>('PUT', `/config/${encodeURIComponent(section)}`, editor.draft);
      setOthers({ ...(others ?? {}), [section]: a.value });
      editor.load(a.value);
      setAnswer(a);
    } catch (err) {
      const fields = apiFields(err);
      if (fields) editor.showApiErrors(fields);
      else setSaveError(err);
    } finally {
      setBusy(false);
    }
  }

  const ctx: FieldContext = { errors: editor.errors, original: editor.original, set: editor.set, remove: editor.remove, explain: explainField };
  const title = sectionTitle(section);
  return (
    <section aria-labelledby="settings-title" class="settings">
      <p>
        <a href="#/settings">{t('config.back')}</a>
      </p>
      <h1 id="settings-title">{title}</h1>
      <Alert error={loadError} />
      {others && (
        <form data-form={`config-${section}`} onSubmit={save} noValidate key={editor.revision}>
          {editor.errorList.length > 0 && (
            <p class="alert" role="alert" data-error-summary>
              {t('config.errorCount', { n: editor.errorList.length })}
            </p>
          )}
          <ConfigField path={[section]} value={editor.draft} ctx={ctx} />
          <div class="config-actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('config.save')}
            </button>
          </div>
        </form>
      )}
      <Alert error={saveError} />
      {answer && <ConfigSaveResult answer={answer} />}
    </section>
  );
}
