// A line chart in SVG: one line per series over the same time buckets; gaps where a bucket has no value.
import { h, s, format } from './dom.js';

const W = 460, H = 170, LEFT = 46, BOTTOM = 22, TOP = 10, RIGHT = 10;

export function lineChart(title, unit, series, fixedMax) {
  const values = series.flatMap(line => line.points.map(p => p.value)).filter(v => v !== null && v !== undefined);
  const max = fixedMax ?? Math.max(1, ...values) * 1.1;
  const count = Math.max(1, ...series.map(line => line.points.length));
  const x = i => LEFT + (i * (W - LEFT - RIGHT)) / Math.max(1, count - 1);
  const y = v => TOP + (H - TOP - BOTTOM) * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  for (const fraction of [0, 0.5, 1]) {
    svg.append(
      s('line', { x1: LEFT, x2: W - RIGHT, y1: y(max * fraction), y2: y(max * fraction), class: 'grid' }),
      s('text', { x: LEFT - 4, y: y(max * fraction) + 4, 'text-anchor': 'end', class: 'axis' }, format(max * fraction, max < 10 ? 1 : 0)));
  }
  const first = series[0]?.points[0]?.start;
  if (first) {
    svg.append(s('text', { x: LEFT, y: H - 4, class: 'axis' }, new Date(first).toLocaleTimeString()));
    svg.append(s('text', { x: W - RIGHT, y: H - 4, 'text-anchor': 'end', class: 'axis' }, 'now'));
  }
  series.forEach((line, index) => {
    let d = '';
    let pen = false;
    line.points.forEach((point, i) => {
      if (point.value === null || point.value === undefined) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(point.value).toFixed(1)}`;
      pen = true;
    });
    svg.append(s('path', { d, class: `line series-${index % 6}`, 'data-series': line.name }));
  });
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, `${title}${unit ? ` (${unit})` : ''}`),
    svg,
    h('div', { class: 'chart-legend' }, series.map((line, index) => h('span', { class: `key series-${index % 6}` }, line.name))));
}
