// The leaderboard page (docs/leaderboard.md): accepted results from the API as a sortable table, filters, and
// charts of decode speed by browser and device class and of its distribution. Nothing here writes HTML from data.
import '../pages.css';
import { barChart } from '../charts';
import { RESULTS_LIMIT, fetchResults, fetchStats, query, type Filters, type GroupStats, type ResultRow } from './api';
import { SortableTable, type Column } from './table';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const fixed = (digits: number) => (v: number | null) => (v === null ? '—' : v.toFixed(digits));

const COLUMNS: Column<ResultRow>[] = [
  { key: 'browser', label: 'Browser', value: (r) => `${r.browser} ${r.browserVersion}`.trim() },
  { key: 'os', label: 'OS', value: (r) => r.os },
  { key: 'device_class', label: 'Device class', value: (r) => r.deviceClass },
  { key: 'cores', label: 'Cores', value: (r) => r.cores, numeric: true },
  { key: 'threads', label: 'Threads', value: (r) => r.threads, numeric: true },
  { key: 'model_version', label: 'Bundle version', value: (r) => (r.releaseVersion ? `${r.modelVersion} (${r.releaseVersion})` : r.modelVersion) },
  { key: 'decode', label: 'Decode tok/s', value: (r) => r.decode, format: (r) => fixed(1)(r.decode), numeric: true },
  { key: 'prefill', label: 'Prefill tok/s', value: (r) => r.prefill, format: (r) => fixed(1)(r.prefill), numeric: true },
  { key: 'sandbox', label: 'Sandbox p50 ms', value: (r) => r.sandboxP50, format: (r) => fixed(2)(r.sandboxP50), numeric: true },
  { key: 'warm_load', label: 'Warm load s', value: (r) => r.warmLoadS, format: (r) => fixed(2)(r.warmLoadS), numeric: true },
  { key: 'accuracy', label: 'Accuracy', value: (r) => r.accuracy, format: (r) => (r.accuracy === null ? '—' : `${Math.round(r.accuracy * 100)} %`), numeric: true },
  { key: 'submitted', label: 'Submitted', value: (r) => r.submitted },
];

const table = new SortableTable($<HTMLTableElement>('lb-table'), COLUMNS, { key: 'decode', descending: true });
const selects: Record<keyof Filters, HTMLSelectElement> = {
  browser: $('filter-browser'),
  os: $('filter-os'),
  device_class: $('filter-device-class'),
  model_version: $('filter-model-version'),
};

function currentFilters(): Filters {
  return { browser: selects.browser.value, os: selects.os.value, device_class: selects.device_class.value, model_version: selects.model_version.value };
}

/** The choices of each filter: the values present in all accepted results (the current choice kept). */
function fillFilterChoices(rows: ResultRow[]) {
  const values: Record<keyof Filters, (r: ResultRow) => string> = { browser: (r) => r.browser, os: (r) => r.os, device_class: (r) => r.deviceClass, model_version: (r) => r.modelVersion };
  for (const [key, select] of Object.entries(selects) as [keyof Filters, HTMLSelectElement][]) {
    const chosen = select.value;
    const distinct = [...new Set(rows.map(values[key]).filter(Boolean))].sort();
    select.replaceChildren(new Option('all', ''), ...distinct.map((v) => new Option(v, v)));
    select.value = distinct.includes(chosen) ? chosen : '';
  }
}

/** Per browser · device class: the server's aggregates, or the same computed here when it sent none. */
function groupsFrom(stats: GroupStats[], rows: ResultRow[]): GroupStats[] {
  if (stats.some((g) => g.decodeMedian !== null)) return stats;
  const byGroup = new Map<string, number[]>();
  for (const r of rows) if (r.decode !== null) byGroup.set(`${r.browser}\u0000${r.deviceClass}`, [...(byGroup.get(`${r.browser}\u0000${r.deviceClass}`) ?? []), r.decode]);
  const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))];
  return [...byGroup].map(([key, xs]) => {
    const [browser, deviceClass] = key.split('\u0000');
    return { browser, deviceClass, count: xs.length, decodeMedian: at(xs, 0.5), decodeP90: at(xs, 0.9) };
  });
}

/** Equal-width bins over the decode speeds (about √n of them, 1 to 12). */
function histogram(values: number[]): { labels: string[]; counts: number[] } {
  if (values.length === 0) return { labels: [], counts: [] };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const bins = Math.min(12, Math.max(1, Math.round(Math.sqrt(values.length))));
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  const labels = counts.map((_, i) => `${(lo + i * width).toFixed(1)}–${(lo + (i + 1) * width).toFixed(1)}`);
  return { labels, counts };
}

function showCharts(groups: GroupStats[], rows: ResultRow[]) {
  const sorted = [...groups].sort((a, b) => (b.decodeMedian ?? 0) - (a.decodeMedian ?? 0));
  barChart($<HTMLCanvasElement>('chart-by-group'), {
    title: 'Decode speed by browser and device class',
    labels: sorted.map((g) => `${g.browser} · ${g.deviceClass} (${g.count})`),
    series: [
      { label: 'median tok/s', values: sorted.map((g) => g.decodeMedian ?? 0) },
      { label: 'p90 tok/s', values: sorted.map((g) => g.decodeP90 ?? 0) },
    ],
    yTitle: 'tokens/s',
  });
  const { labels, counts } = histogram(rows.map((r) => r.decode).filter((v): v is number => v !== null));
  barChart($<HTMLCanvasElement>('chart-histogram'), { title: 'Distribution of decode speed', labels, series: [{ label: 'results', values: counts }], yTitle: 'results', histogram: true });
}

let generation = 0;
async function refresh(refillChoices: boolean) {
  const mine = ++generation; // a slower answer to an older filter must not overwrite a newer one
  const filters = currentFilters();
  $('lb-status').textContent = 'Loading…';
  $<HTMLAnchorElement>('export-csv').href = `api/v1/results.csv${query(filters)}`;
  $<HTMLAnchorElement>('export-json').href = `api/v1/results.json${query(filters)}`;
  try {
    const [rows, stats] = await Promise.all([fetchResults(filters), fetchStats(filters).catch(() => [] as GroupStats[])]);
    if (mine !== generation) return;
    if (refillChoices) fillFilterChoices(rows);
    table.setRows(rows);
    showCharts(groupsFrom(stats, rows), rows);
    $('lb-status').textContent =
      rows.length === 0 ? 'No accepted results match.' : rows.length >= RESULTS_LIMIT ? `The newest ${rows.length} accepted results.` : `${rows.length} accepted result${rows.length === 1 ? '' : 's'}.`;
    document.body.dataset.state = 'ready';
  } catch (e) {
    if (mine !== generation) return;
    $('lb-status').textContent = `The leaderboard server did not answer: ${(e as Error).message}`;
    document.body.dataset.state = 'error';
  }
}

for (const select of Object.values(selects)) select.addEventListener('change', () => void refresh(false));
$('filters').addEventListener('reset', () => setTimeout(() => void refresh(false), 0)); // after the form has reset
void refresh(true);
