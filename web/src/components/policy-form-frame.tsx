import type { ComponentChildren } from 'preact';
import type { PolicySaveState } from '../config/use-policy-save';
import { t } from '../i18n/index';
import { SettingsPageFrame } from './settings-page-frame';

/**
 * A settings page that edits part of the policy: the settings frame, the form (once the policy is
 * loaded) ending in its save button, and the page's own words once the save went through.
 */
export function PolicyFormFrame({ titleId, title, form, savedText, loaded, policySave, onSubmit, children }: { titleId: string; title: string; form: string; savedText: string; loaded: boolean; policySave: PolicySaveState; onSubmit: (e: Event) => void; children: ComponentChildren }) {
  const { error, errors, shown, busy, saved } = policySave;
  return (
    <SettingsPageFrame titleId={titleId} title={title} error={error} errors={errors} shown={shown}>
      {loaded && (
        <form data-form={form} class="form" onSubmit={onSubmit} noValidate>
          {children}
          <button type="submit" class="primary" disabled={busy}>
            {t('config.save')}
          </button>
        </form>
      )}
      {saved && (
        <p class="success" role="status" data-save-result>
          {savedText}
        </p>
      )}
    </SettingsPageFrame>
  );
}
