/**
 * The frame every hand-made settings page shares: the way back to the list, the title, a failed request,
 * and a summary of the field errors, listing those no input on the page shows next to itself.
 */
import type { ComponentChildren } from 'preact';
import type { FieldMessage } from '../config/section-validator';
import { t } from '../i18n/index';
import { Alert } from './alert';

export interface SettingsPageFrameProps {
  titleId: string;
  title: string;
  error: unknown;
  errors: readonly FieldMessage[];
  /** Paths whose message an input of the page shows already. */
  shown: ReadonlySet<string>;
  children: ComponentChildren;
}

export function SettingsPageFrame({ titleId, title, error, errors, shown, children }: SettingsPageFrameProps) {
  const others = errors.filter((e) => !shown.has(e.path));
  return (
    <section aria-labelledby={titleId} class="settings">
      <p>
        <a href="#/settings">{t('config.back')}</a>
      </p>
      <h1 id={titleId}>{title}</h1>
      <Alert error={error} />
      {errors.length > 0 && (
        <div class="alert" role="alert" data-error-summary>
          <p>{t('config.errorCount', { n: errors.length })}</p>
          {others.length > 0 && (
            <ul>
              {others.map((e, i) => (
                <li key={i} data-field-error={e.path}>
                  <code>{e.path}</code>: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {children}
    </section>
  );
}
