/**
 * A chart with its text alternative: a heading, a one-line summary everyone sees, the same data as
 * a visually hidden table for screen readers, and the uPlot canvas (hidden from assistive
 * technology). uPlot and its module load on first use, so pages without charts never fetch them.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index';
import type { ChartHandle, ChartSpec } from './chart-uplot';

export function ChartFrame({ id, title, summary, spec, children }: { id: string; title: string; summary: string; spec: ChartSpec | null; children: ComponentChildren }) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const el = host.current;
    if (!el || !spec) return;
    let handle: ChartHandle | undefined;
    let gone = false;
    import('./chart-uplot')
      .then((m) => {
        if (gone) return;
        el.replaceChildren();
        handle = m.drawChart(el, spec);
      })
      .catch(() => setFailed(true));
    return () => {
      gone = true;
      handle?.destroy();
    };
  }, [spec]);
  return (
    <figure class="chart" data-chart={id} aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p class="chart-summary" data-chart-summary>
          {summary}
        </p>
      </figcaption>
      {spec && <div class="chart-canvas" ref={host} aria-hidden="true" />}
      {failed && <p class="hint">{t('charts.unavailable')}</p>}
      <div class="visually-hidden">{children}</div>
    </figure>
  );
}
