import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';

/** Previous/next through a list of `total` items, `size` per page. */
export function Pager({ total, offset, size, onOffset }: { total: number; offset: number; size: number; onOffset: (o: number) => void }) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + size, total);
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - size))}>
        {t('pager.previous')}
      </button>
      <span aria-live="polite">{t('pager.range', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(total) })}</span>
      <button type="button" disabled={to >= total} onClick={() => onOffset(offset + size)}>
        {t('pager.next')}
      </button>
    </nav>
  );
}
