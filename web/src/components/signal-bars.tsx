import { formatDbm } from '../i18n/format';
import { t } from '../i18n/index';

/**
 * +CSQ as four bars plus dBm (3GPP TS 27.007 §8.5: 0 → −113 dBm … 31 → −51 dBm, 99 unknown).
 * The bars are decoration; the text carries the value.
 */
export function signalLevel(csq: number): number {
  if (csq === 99 || csq <= 0 || csq > 31) return 0;
  if (csq < 10) return 1;
  if (csq < 15) return 2;
  if (csq < 20) return 3;
  return 4;
}

export function SignalBars({ csq, dbm }: { csq: number; dbm: number | null }) {
  const level = signalLevel(csq);
  return (
    <span class="signal" data-level={level}>
      <span class="bars" aria-hidden="true">
        <span />
        <span />
        <span />
        <span />
      </span>
      <span class="signal-text">{csq === 99 || dbm === null ? t('signal.unknown') : `${csq} · ${formatDbm(dbm)}`}</span>
    </span>
  );
}
