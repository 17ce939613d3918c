/**
 * Translations: flat catalogues `{ "key": "text with {placeholders}" }`. English ships in the main
 * bundle (it is also the fallback); Chinese loads on demand. `t()` reads the active catalogue from a
 * signal, so every component that translated something re-renders when the language changes.
 */
import { signal } from '@preact/signals';
import en from './en.json';

export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];
type Catalogue = Record<string, string>;

const STORAGE_KEY = 'cellgate.lang';
const english: Catalogue = en;
const loaded: Partial<Record<Lang, Catalogue>> = { en: english };

export const lang = signal<Lang>('en');
const active = signal<Catalogue>(english);

export function t(key: string, params?: Record<string, string | number>): string {
  const text = active.value[key] ?? english[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** The user's stored choice, else the browser's language (any Chinese → zh-CN). */
export function preferredLanguage(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // storage may be disabled; fall back to the browser's language
  }
  const nav = (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase();
  return nav.startsWith('zh') ? 'zh-CN' : 'en';
}

async function catalogue(l: Lang): Promise<Catalogue> {
  const have = loaded[l];
  if (have) return have;
  const mod = await import('./zh-CN.json');
  const c: Catalogue = mod.default;
  loaded[l] = c;
  return c;
}

export async function setLanguage(l: Lang, remember = true): Promise<void> {
  const c = await catalogue(l);
  active.value = c;
  lang.value = l;
  document.documentElement.lang = l;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // the choice then lasts for this page only
    }
  }
}
