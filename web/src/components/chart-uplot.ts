/**
 * The uPlot drawing, in its own module so uPlot is only fetched by the pages that draw a chart
 * (chart-frame imports this on demand). The canvas is decoration for sighted users: the frame
 * around it carries the same data as text and a table.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  colour: string;
  /** a dash pattern, so series differ by more than colour */
  dash?: number[];
  /** which y scale: 'y' (left) or 'y2' (right) */
  scale?: 'y' | 'y2';
  /** drawn as bars (categorical charts) */
  bars?: boolean;
}

export interface ChartSpec {
  /** x values first, then one array per series */
  data: Array<Array<number | null>>;
  series: ChartSeries[];
  /** x is Unix seconds (time axis) or an index into `categories` */
  categories?: string[];
  yLabel: string;
  y2Label?: string;
  yRange?: [number, number];
  height?: number;
  /** BCP 47 language for the time axis (Intl), e.g. "zh-CN" */
  locale?: string;
}

export interface ChartHandle {
  destroy(): void;
}

const fromZero = (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1];

function timeFormat(locale: string): (d: Date) => string {
  const f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  return (d) => f.format(d);
}

function options(spec: ChartSpec, width: number): uPlot.Options {
  const cats = spec.categories;
  const axes: uPlot.Axis[] = [
    cats ? { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? cats[v] ?? '' : '')), splits: () => cats.map((_c, i) => i) } : {},
    { label: spec.yLabel, scale: 'y' },
  ];
  if (spec.y2Label) axes.push({ label: spec.y2Label, scale: 'y2', side: 1, grid: { show: false } });
  const barSeries = spec.series.filter((s) => s.bars).length;
  let barIndex = 0;
  return {
    width,
    height: spec.height ?? 220,
    scales: {
      x: cats ? { time: false, range: [-0.6, cats.length - 0.4] } : { time: true },
      // counts, minutes, percentages and durations start at zero
      y: { range: spec.yRange ?? fromZero },
      ...(spec.y2Label ? { y2: { range: fromZero } } : {}),
    },
    axes,
    series: [
      {},
      ...spec.series.map((s): uPlot.Series => {
        const base: uPlot.Series = { label: s.label, stroke: s.colour, width: 2, scale: s.scale ?? 'y', ...(s.dash ? { dash: s.dash } : {}) };
        if (!s.bars) return { ...base, spanGaps: false };
        // two bar series stand side by side: the first left of the category, the second right
        const align = barSeries > 1 ? (barIndex++ === 0 ? -1 : 1) : 0;
        return { ...base, fill: `${s.colour}99`, points: { show: false }, paths: uPlot.paths.bars!({ size: [barSeries > 1 ? 0.35 : 0.6, 48], align: align as -1 | 0 | 1 }) };
      }),
    ],
    // time labels in the page's language, through Intl
    ...(spec.locale ? { fmtDate: () => timeFormat(spec.locale!) } : {}),
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

/** Draws into `el` and follows its width. */
export function drawChart(el: HTMLElement, spec: ChartSpec): ChartHandle {
  const width = () => Math.max(240, Math.floor(el.clientWidth || 600));
  const plot = new uPlot(options(spec, width()), spec.data as uPlot.AlignedData, el);
  const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: spec.height ?? 220 }));
  ro.observe(el);
  return {
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}
