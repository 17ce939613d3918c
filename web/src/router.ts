/**
 * Hash routing: `#/status`, `#/sms/outbox`… The current path is a signal. Hashes that do not start
 * with `#/` (the skip link's `#main`) are not routes and leave the page as it is.
 */
import { signal } from '@preact/signals';

function pathOf(hash: string): string | null {
  if (!hash.startsWith('#/')) return null;
  return hash.slice(1).split('?')[0]!.replace(/\/+$/, '') || '/';
}

export const currentPath = signal<string>(pathOf(location.hash) ?? '/');

window.addEventListener('hashchange', () => {
  const p = pathOf(location.hash);
  if (p !== null) currentPath.value = p;
});

export function navigate(path: string, replace = false): void {
  const hash = `#${path}`;
  if (replace) history.replaceState(null, '', hash);
  else if (location.hash !== hash) location.hash = hash;
  currentPath.value = path;
}
