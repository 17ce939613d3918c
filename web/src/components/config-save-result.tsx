import { t } from '../i18n/index';

export interface SaveAnswer {
  changed: string[];
  appliedNow: string[];
  needsRestart: string[];
}

/** What a save changed: the settings in force at once, and those that wait for a restart. */
export function ConfigSaveResult({ answer }: { answer: SaveAnswer }) {
  return (
    <div class="success" role="status" data-save-result>
      {answer.changed.length === 0 ? (
        <p>{t('config.savedNoChange')}</p>
      ) : (
        <>
          <p>{t('config.saved', { n: answer.changed.length })}</p>
          {answer.appliedNow.length > 0 && (
            <p data-applied-now>
              {t('config.appliedNow')} <code>{answer.appliedNow.join(', ')}</code>
            </p>
          )}
          {answer.needsRestart.length > 0 && (
            <p data-needs-restart class="notice">
              {t('config.needsRestart')} <code>{answer.needsRestart.join(', ')}</code>
            </p>
          )}
        </>
      )}
    </div>
  );
}
