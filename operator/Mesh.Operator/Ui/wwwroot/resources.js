// The mesh's resources with their status conditions and validation problems (field paths), invalid ones first.
import { get } from './api.js';
import { h } from './dom.js';

export async function refresh(main) {
  const resources = await get('resources');
  resources.sort((a, b) => Number(a.accepted) - Number(b.accepted));
  main.replaceChildren(
    h('section', { class: 'toolbar' }, h('h2', {}, 'Resources'),
      h('span', { class: 'muted' }, `${resources.length} resources, ${resources.filter(r => !r.accepted).length} not accepted`)),
    h('table', { class: 'grid-table', id: 'resources' },
      h('thead', {}, h('tr', {}, ['kind', 'namespace/name', 'conditions', 'problems'].map(c => h('th', {}, c)))),
      h('tbody', {}, resources.map(resource => h('tr', { class: resource.accepted ? '' : 'invalid', 'data-name': `${resource.kind}/${resource.namespace}/${resource.name}` },
        h('td', {}, resource.kind),
        h('td', {}, `${resource.namespace}/${resource.name}`),
        h('td', {}, resource.conditions.map(c => h('div', { class: `condition ${c.status === 'True' ? 'true' : 'false'}`, title: c.message ?? '' },
          `${c.type}: ${c.status}${c.reason && c.reason !== c.type ? ` (${c.reason})` : ''}`))),
        h('td', {}, resource.problems.map(p => h('div', { class: `problem ${p.severity.toLowerCase()}` },
          h('code', { class: 'path' }, p.path), ' ', p.message))))))));
}
