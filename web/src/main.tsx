import { render } from 'preact';
import { App } from './app';
import { loadMe, me } from './api/session';
import { preferredLanguage, setLanguage } from './i18n/index';
import './styles.css';

async function start(): Promise<void> {
  await setLanguage(preferredLanguage(), false).catch(() => undefined);
  render(<App />, document.getElementById('app')!);
  try {
    await loadMe();
  } catch {
    me.value = null;
  }
}

void start();
