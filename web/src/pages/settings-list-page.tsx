import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { me } from '../api/session';
import { Alert } from '../components/alert';
import { sectionTitle } from '../config/section-titles';
import { t } from '../i18n/index';

/** `#/settings`: the forms for SIM limits and rules, and every configuration section this account may change. */
export default function SettingsListPage() {
  const [sections, setSections] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ sections: string[] }>('GET', '/config/sections')
      .then((r) => setSections(r.sections))
      .catch(setError);
  }, []);
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('config.title')}</h1>
      <h2>{t('config.forms')}</h2>
      <ul class="settings-list">
        <li>
          <a href="#/settings/limits" data-settings="limits">
            {t('limits.title')}
          </a>
        </li>
        <li>
          <a href="#/settings/sim-rules" data-settings="sim-rules">
            {t('limits.rulesTitle')}
          </a>
        </li>
        <li>
          <a href="#/settings/sms-forward" data-settings="sms-forward">
            {t('config.forward.title')}
          </a>
        </li>
        {me.value?.role === 'admin' && (
          <li>
            <a href="#/settings/sip-autofill" data-settings="sip-autofill">
              {t('autofill.title')}
            </a>
          </li>
        )}
      </ul>
      <h2>{t('config.sections')}</h2>
      <Alert error={error} />
      {sections && (
        <ul class="settings-list">
          {sections.map((s) => (
            <li key={s}>
              <a href={`#/settings/${s}`} data-settings={s}>
                {sectionTitle(s)}
              </a>{' '}
              <code class="hint">{s}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
