// GEM bytes and unaccounted bytes of one host over the minutes the aggregator keeps (its /history route).
import uPlot from '/web/vendor/uplot/dist/uPlot.esm.js';
import { el, show } from './dom.js';
import { formatBytes } from './format.js';

const HEIGHT = 220;
const BINARY_STEPS = Array.from({ length: 51 }, (unused, power) => 2 ** power);

export class HistoryChart {
  constructor() {
    this.element = el('div', { id: 'history-chart', class: 'chart' });
    this.plot = null;
    this.policy = null;
    this.windowSeconds = 0;
    window.addEventListener('resize', () => this.plot?.setSize(this.size()));
  }

  /** Plots {@code history}'s columns, the unaccounted series under {@code policy}. */
  update(history, policy) {
    const data = [
      history.epochMillis.map(millis => millis / 1000),
      history.gemBytes,
      history.unaccounted[policy],
    ];
    this.element.dataset.samples = String(history.epochMillis.length);
    this.windowSeconds = history.windowMillis / 1000;
    if (history.epochMillis.length === 0) {
      this.plot?.destroy();
      this.plot = null;
      show(this.element, el('p', { class: 'note' }, 'no samples yet: the aggregator samples every '
        + `${history.intervalMillis / 1000} s`));
      return;
    }
    // A series' label is fixed when the plot is made, so another policy needs another plot.
    if (this.plot === null || policy !== this.policy) {
      this.plot?.destroy();
      show(this.element);
      this.policy = policy;
      this.plot = new uPlot(this.options(policy), data, this.element);
    } else {
      this.plot.setData(data);
    }
  }

  options(policy) {
    const bytes = (plot, value) => (value === null || value === undefined ? '–' : formatBytes(value));
    return {
      ...this.size(),
      series: [
        {},
        { label: 'GEM bytes', stroke: '#3b6fd4', width: 2, value: bytes },
        { label: `unaccounted (${policy})`, stroke: '#d4573b', width: 2, fill: 'rgba(212, 87, 59, 0.08)', value: bytes },
      ],
      // Byte ticks at powers of two (1 MiB, 2 MiB, 4 MiB, …), which read better than 1.91 MiB steps.
      axes: [{}, { size: 80, incrs: BINARY_STEPS, values: (plot, splits) => splits.map(split => formatBytes(split)) }],
      // The whole window the aggregator keeps, even while it holds fewer samples: the time axis never zooms
      // into seconds, and a host that appeared a minute ago visibly has a minute of history.
      scales: {
        x: { time: true, range: (plot, min, max) => [max - this.windowSeconds, max] },
        y: { range: (plot, min, max) => [0, Math.max(max, 1024) * 1.1] },
      },
      legend: { live: false },
    };
  }

  size() {
    return { width: Math.max(this.element.clientWidth, 320), height: HEIGHT };
  }
}
