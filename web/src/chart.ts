/** A live line chart (uPlot) that grows as epochs run: loss, gradient norm, accuracy. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
}

export interface LiveChart {
  /** Adds one point per series at x (an epoch). */
  push(x: number, ys: readonly (number | null)[]): void;
  /** Draws what was pushed since the last draw (call on an animation frame). */
  draw(): void;
  reset(): void;
  readonly element: HTMLElement;
}

export function liveChart(parent: HTMLElement, title: string, series: readonly SeriesSpec[], options: { xLabel?: string; yLabel?: string; height?: number } = {}): LiveChart {
  const box = document.createElement('figure');
  box.className = 'chart';
  box.setAttribute('aria-label', title);
  parent.appendChild(box);
  const xs: number[] = [];
  const ys: (number | null)[][] = series.map(() => []);
  let dirty = false;
  const width = () => Math.max(220, Math.floor(box.clientWidth || parent.clientWidth || 320));
  const plot = new uPlot(
    {
      title,
      width: width(),
      height: options.height ?? 170,
      legend: { show: series.length > 1, live: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [
        { label: options.xLabel ?? 'epoch', size: 36, labelSize: 18 },
        { label: options.yLabel ?? '', size: 52, labelSize: 18 },
      ],
      series: [{ label: options.xLabel ?? 'epoch' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } }))],
    },
    [xs, ...ys] as uPlot.AlignedData,
    box,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: options.height ?? 170 }));
  observer.observe(box);
  return {
    element: box,
    push(x, values) {
      xs.push(x);
      values.forEach((v, i) => ys[i]?.push(v === null || !Number.isFinite(v) ? null : v));
      dirty = true;
    },
    draw() {
      if (!dirty) return;
      dirty = false;
      plot.setData([xs, ...ys] as uPlot.AlignedData);
    },
    reset() {
      xs.length = 0;
      for (const y of ys) y.length = 0;
      dirty = false;
      plot.setData([xs, ...ys] as uPlot.AlignedData);
    },
  };
}
