// One service's golden metrics over the operator's window, per subset: request rate, success rate and latency, so
// a canary's share and health read side by side with the stable version's.
import { get } from './api.js';
import { h, format } from './dom.js';
import { lineChart } from './chart.js';

export async function refresh(main, service) {
  const doc = await get(`services/${encodeURIComponent(service)}`);
  const name = subset => subset === '' ? '(no subset)' : subset;
  const series = pick => doc.subsets.map(subset => ({
    name: name(subset.subset),
    points: subset.points.map(p => ({ start: p.start, value: pick(p) })),
  }));
  const recent = subset => {
    const points = subset.points.filter(p => p.requests > 0);
    return points[points.length - 1];
  };
  const total = doc.subsets.reduce((sum, subset) => sum + (recent(subset)?.rps ?? 0), 0);
  main.replaceChildren(
    h('section', { class: 'toolbar' },
      h('h2', {}, h('a', { href: '#/' }, 'Graph'), ' / ', doc.label),
      h('span', { class: 'muted' }, `${doc.service} · ${doc.bucketSeconds} s buckets · last 15 minutes`)),
    ...(doc.subsets.length === 0
      ? [h('p', { class: 'empty' }, 'No traffic reported to this service in the last 15 minutes.')]
      : [
        h('table', { class: 'grid-table', id: 'subsets' },
          h('thead', {}, h('tr', {}, ['subset', 'share', 'rps', 'success', 'p50', 'p95', 'p99'].map(c => h('th', {}, c)))),
          h('tbody', {}, doc.subsets.map(subset => {
            const p = recent(subset);
            return h('tr', { 'data-subset': subset.subset },
              h('td', {}, name(subset.subset)),
              h('td', {}, total > 0 && p ? format((100 * p.rps) / total, 0, '%') : '–'),
              h('td', {}, format(p?.rps, 1)),
              h('td', {}, format(p?.successPercent, 1, '%')),
              h('td', {}, format(p?.p50Ms, 0, ' ms')),
              h('td', {}, format(p?.p95Ms, 0, ' ms')),
              h('td', {}, format(p?.p99Ms, 0, ' ms')));
          }))),
        h('div', { class: 'charts' },
          lineChart('Requests per second', 'rps', series(p => p.requests > 0 ? p.rps : 0)),
          lineChart('Success rate', '%', series(p => p.successPercent), 100),
          lineChart('p50 latency', 'ms', series(p => p.p50Ms)),
          lineChart('p95 latency', 'ms', series(p => p.p95Ms)),
          lineChart('p99 latency', 'ms', series(p => p.p99Ms))),
      ]));
}
