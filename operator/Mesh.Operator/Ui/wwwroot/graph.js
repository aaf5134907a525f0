// The service graph: workloads (left) call services (middle), which split into subsets (right). Edges carry RPS,
// success rate and p99, coloured by health; a service's edges to its subsets carry their share of its traffic.
import { get } from './api.js';
import { h, s, format } from './dom.js';

const COLUMN = { workload: 0, service: 1, subset: 2 };
const WIDTH = 1000;
const ROW = 90;
const NODE_W = 170;
const NODE_H = 40;

export async function refresh(main) {
  const graph = await get('graph');
  main.replaceChildren(
    h('section', { class: 'toolbar' },
      h('h2', {}, 'Service graph'),
      h('span', { class: 'muted' }, `last ${Math.round(graph.windowSeconds)} s · ${graph.store.edges} edges in the store`),
      legend()),
    graph.edges.length === 0
      ? h('p', { class: 'empty', id: 'graph-empty' }, 'No traffic reported in this window. Proxies report every few seconds.')
      : draw(graph));
}

function legend() {
  return h('span', { class: 'legend' },
    ['healthy', 'degraded', 'failing'].map(health => h('span', { class: `chip ${health}` }, health)));
}

function draw(graph) {
  const columns = [[], [], []];
  for (const node of graph.nodes) columns[COLUMN[node.kind]].push(node);
  const rows = Math.max(...columns.map(c => c.length), 1);
  const height = rows * ROW + 20;
  const position = new Map();
  columns.forEach((nodes, column) => {
    const x = 20 + column * ((WIDTH - NODE_W - 40) / 2);
    const top = (height - nodes.length * ROW) / 2;
    nodes.forEach((node, i) => position.set(node.id, { x, y: top + i * ROW + (ROW - NODE_H) / 2 }));
  });

  const svg = s('svg', { id: 'graph', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': 'service graph' },
    s('defs', {}, ['healthy', 'degraded', 'failing', 'idle'].map(health =>
      s('marker', { id: `arrow-${health}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrow ${health}` })))));

  for (const edge of graph.edges) {
    const from = position.get(edge.source);
    const to = position.get(edge.target);
    const x1 = from.x + NODE_W, y1 = from.y + NODE_H / 2, x2 = to.x, y2 = to.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    const label = edge.sharePercent !== null && edge.sharePercent !== undefined
      ? `${format(edge.sharePercent, 0, '%')} · ${format(edge.rps, 1)} rps`
      : `${format(edge.rps, 1)} rps · ${format(edge.successPercent, 1, '%')} · p99 ${format(edge.p99Ms, 0, ' ms')}`;
    svg.append(s('g', {
      class: `edge ${edge.health}`, 'data-source': edge.source, 'data-target': edge.target, 'data-health': edge.health,
      'data-rps': edge.rps, 'data-share': edge.sharePercent ?? '', 'data-success': edge.successPercent ?? '',
    },
      s('title', {}, `${edge.requests} requests, ${edge.failures} failed, p50 ${format(edge.p50Ms, 0, ' ms')}, p95 ${format(edge.p95Ms, 0, ' ms')}, p99 ${format(edge.p99Ms, 0, ' ms')}`),
      s('path', { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, 'marker-end': `url(#arrow-${edge.health})` }),
      // Edges leave a node together, so each label sits near its own arrowhead.
      s('text', { x: x2 - 12, y: y2 - 8, 'text-anchor': 'end', class: 'edge-label' }, label)));
  }

  for (const node of graph.nodes) {
    const { x, y } = position.get(node.id);
    const target = node.kind === 'workload' ? null : `#/service/${encodeURIComponent(node.name)}`;
    const box = s('g', { class: `node ${node.kind}`, 'data-id': node.id, transform: `translate(${x},${y})` },
      s('title', {}, node.kind === 'subset' ? `${node.name} subset ${node.subset}` : node.name),
      s('rect', { width: NODE_W, height: NODE_H, rx: node.kind === 'service' ? 20 : 6 }),
      s('text', { x: NODE_W / 2, y: NODE_H / 2 + 5, 'text-anchor': 'middle' }, node.label));
    svg.append(target ? s('a', { href: target }, box) : box);
  }
  return h('div', { class: 'graph-frame' }, svg);
}
