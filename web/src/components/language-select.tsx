import { useId } from 'preact/hooks';
import { lang, LANGS, setLanguage, t, type Lang } from '../i18n/index';

const NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

/** The language choice (`select[name=language]`), in the header of every page. */
export function LanguageSelect() {
  const id = useId();
  return (
    <div class="language">
      <label for={id}>{t('header.language')}</label>
      <select id={id} name="language" value={lang.value} onChange={(e) => void setLanguage((e.currentTarget as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
