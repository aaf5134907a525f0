// Connected proxies: what each acknowledged against what it should serve now, its last NACK, and on demand the
// resources that differ between the two.
import { get } from './api.js';
import { h } from './dom.js';

const opened = new Set();

export async function refresh(main) {
  const proxies = await get('proxies');
  const diffs = new Map();
  await Promise.all(proxies.filter(p => opened.has(p.id)).map(async p => diffs.set(p.id, await get(`proxies/diff?proxy=${encodeURIComponent(p.id)}`))));
  main.replaceChildren(
    h('section', { class: 'toolbar' }, h('h2', {}, 'Proxies'), h('span', { class: 'muted' }, `${proxies.length} connected`)),
    h('table', { class: 'grid-table', id: 'proxies' },
      h('thead', {}, h('tr', {}, ['proxy', 'address', 'acknowledged', 'expected', 'last NACK', 'reports', ''].map(c => h('th', {}, c)))),
      h('tbody', {}, proxies.flatMap(proxy => [
        h('tr', { 'data-proxy': proxy.id, class: proxy.inSync ? 'in-sync' : 'out-of-sync' },
          h('td', {}, proxy.id),
          h('td', {}, proxy.ip),
          h('td', {}, h('code', {}, proxy.ackedVersion ?? 'none'), proxy.ackedAt ? ` at ${new Date(proxy.ackedAt).toLocaleTimeString()}` : ''),
          h('td', {}, h('code', {}, proxy.expectedVersion ?? '–'), ' ', h('span', { class: `chip ${proxy.inSync ? 'healthy' : 'degraded'}` }, proxy.inSync ? 'in sync' : 'behind')),
          h('td', {}, proxy.lastNack ? h('span', { class: 'problem error' }, `${proxy.lastNack.version}: ${proxy.lastNack.message}`) : '–'),
          h('td', {}, proxy.reportsTraffic ? 'yes' : 'no'),
          h('td', {}, toggle(proxy.id, main))),
        opened.has(proxy.id) ? h('tr', { class: 'diff' }, h('td', { colspan: 7 }, renderDiff(diffs.get(proxy.id)))) : null,
      ]))));
}

function toggle(id, main) {
  const button = h('button', { type: 'button' }, opened.has(id) ? 'hide diff' : 'diff');
  button.addEventListener('click', () => {
    if (opened.has(id)) opened.delete(id); else opened.add(id);
    refresh(main);
  });
  return button;
}

function renderDiff(diff) {
  if (!diff) return '';
  if (diff.changes.length === 0) return h('span', {}, `served ${diff.servedVersion} is the expected config`);
  return h('div', {},
    h('div', {}, `served ${diff.servedVersion ?? 'nothing yet'} → expected ${diff.expectedVersion}`),
    h('ul', {}, diff.changes.map(c => h('li', { class: `change ${c.change}` }, `${c.change} ${c.kind} ${c.name}`))));
}
