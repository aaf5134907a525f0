// The dashboard's router: one page per hash route, each refreshed every REFRESH_MS while it is shown.
import * as graph from './graph.js';
import * as service from './service.js';
import * as resources from './resources.js';
import * as proxies from './proxies.js';

const REFRESH_MS = 2000;
const main = document.getElementById('main');
const status = document.getElementById('status');
let timer = 0;
let generation = 0;

function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  if (hash.startsWith('service/')) return { name: 'service', page: service, argument: hash.slice('service/'.length) };
  if (hash === 'resources') return { name: 'resources', page: resources };
  if (hash === 'proxies') return { name: 'proxies', page: proxies };
  return { name: 'graph', page: graph };
}

async function refresh(current, mine) {
  try {
    await current.page.refresh(main, current.argument);
    if (mine !== generation) return;
    status.textContent = `updated ${new Date().toLocaleTimeString()}`;
    status.className = 'status ok';
  } catch (error) {
    if (mine !== generation) return;
    status.textContent = String(error.message ?? error);
    status.className = 'status error';
  }
  if (mine === generation) timer = setTimeout(() => refresh(current, mine), REFRESH_MS);
}

function show() {
  clearTimeout(timer);
  const mine = ++generation;
  const current = route();
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.page === current.name);
  }
  main.replaceChildren();
  main.dataset.page = current.name;
  refresh(current, mine);
}

addEventListener('hashchange', show);
show();
