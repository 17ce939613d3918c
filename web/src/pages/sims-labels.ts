/** Words for the SIM policy's colours (manual §3.2.3) and remaining counts; the colour is never shown alone. */
import type { Remaining, SimColour } from '../charts/records';
import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';

const COLOURS: Record<SimColour, () => string> = {
  blue: () => t('sims.colour.blue'),
  green: () => t('sims.colour.green'),
  red: () => t('sims.colour.red'),
  grey: () => t('sims.colour.grey'),
  brown: () => t('sims.colour.brown'),
  orange: () => t('sims.colour.orange'),
};
export const colourLabel = (c: string) => (Object.hasOwn(COLOURS, c) ? COLOURS[c as SimColour]() : c);

export function remainingText(r: Remaining): string {
  if (typeof r === 'number') return formatNumber(r);
  if (r === 'NO LIMIT') return t('sims.noLimit');
  return t('sims.untrusted', { remaining: formatNumber(r.remaining) });
}

/** A remaining count as a number for sorting and charts (null: no limit). */
export function remainingValue(r: Remaining): number | null {
  if (typeof r === 'number') return r;
  if (r === 'NO LIMIT') return null;
  return r.remaining;
}
