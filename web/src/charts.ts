// Bar charts for the benchmark and leaderboard pages (Chart.js, only the parts they use). Each canvas carries
// a text label; the numbers are in a table beside it too, since a chart alone says nothing to a screen reader.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip, type ChartDataset } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

const PALETTE = ['#1f3a5f', '#d97706', '#1a7f37', '#9333ea', '#0e7490', '#b91c1c'];

export interface BarSeries {
  label: string;
  values: number[];
}

/**
 * Draws (or redraws) a bar chart into `canvas`: one group per label, one bar per series. `histogram` draws
 * adjacent bars (bins of one distribution).
 */
export function barChart(canvas: HTMLCanvasElement, opts: { title: string; labels: string[]; series: BarSeries[]; yTitle: string; histogram?: boolean }): Chart {
  Chart.getChart(canvas)?.destroy();
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${opts.title}: ${opts.series.map((s) => `${s.label} ${s.values.map((v, i) => `${opts.labels[i]} ${v.toFixed(1)}`).join(', ')}`).join('; ')}`);
  const datasets: ChartDataset<'bar'>[] = opts.series.map((s, i) => ({
    label: s.label,
    data: s.values,
    backgroundColor: PALETTE[i % PALETTE.length],
    ...(opts.histogram ? { barPercentage: 1, categoryPercentage: 1 } : {}),
  }));
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: opts.labels, datasets },
    options: {
      animation: false, // the page is a benchmark: no animation competing with the measurements
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: opts.title }, legend: { display: opts.series.length > 1 } },
      scales: { y: { beginAtZero: true, title: { display: true, text: opts.yTitle } } },
    },
  });
}
