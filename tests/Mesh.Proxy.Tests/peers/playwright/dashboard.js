// Drives Debian's chromium (playwright-core, no browser download) through the operator's /ui dashboard.
// Input (stdin, JSON): { url, screenshots, chromium, timeoutMs, expect: { source, service, subsets, failing, invalidPath } }.
// Every wait is a condition with a deadline. Prints one JSON line: { ok, steps, screenshots, error? }.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

async function main() {
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const timeout = input.timeoutMs ?? 60000;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-chromium-'));
  fs.mkdirSync(input.screenshots, { recursive: true });
  const steps = [];
  const shots = [];
  // A fresh profile each run (playwright passes it as --user-data-dir); the flags keep chromium off the network,
  // which this machine's closed network would otherwise stall on.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: input.chromium,
    headless: true,
    viewport: { width: 1280, height: 760 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    page.on('console', message => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
    page.on('pageerror', error => problems.push(`page error: ${error.message}`));
    const shot = async name => {
      const file = path.join(input.screenshots, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      shots.push(file);
    };
    const e = input.expect;
    const edge = (source, target) => `g.edge[data-source="${source}"][data-target="${target}"]`;

    await page.goto(input.url, { waitUntil: 'load', timeout });
    steps.push('opened the dashboard');

    // The page was open before the traffic: these appear only through its live refresh.
    const call = edge(`workload:${e.source}`, `service:${e.service}`);
    await page.waitForFunction(selector => Number(document.querySelector(selector)?.dataset.rps) > 0, call, { timeout });
    steps.push(`edge ${e.source} -> ${e.service} shows ${await page.getAttribute(call, 'data-rps')} rps`);
    for (const subset of e.subsets) {
      const split = edge(`service:${e.service}`, `subset:${e.service}/${subset}`);
      await page.waitForFunction(selector => Number(document.querySelector(selector)?.dataset.share) > 0, split, { timeout });
      steps.push(`split ${subset}: ${await page.getAttribute(split, 'data-share')}%`);
    }
    const failing = edge(`workload:${e.source}`, `service:${e.failing}`);
    await page.waitForSelector(`${failing}[data-health="failing"]`, { timeout });
    const colour = await page.$eval(`${failing} path`, element => getComputedStyle(element).stroke);
    if (colour !== 'rgb(214, 58, 58)') throw new Error(`the failing edge is drawn in ${colour}, not red`);
    steps.push(`edge ${e.source} -> ${e.failing} is failing, drawn ${colour}`);
    await shot('graph');

    await page.click(`g.node[data-id="service:${e.service}"]`);
    await page.waitForFunction(subsets => subsets.every(s => document.querySelector(`#subsets tr[data-subset="${s}"]`)), e.subsets, { timeout });
    await page.waitForSelector('svg.chart path.line[data-series]', { timeout });
    steps.push(`service page of ${e.service} lists subsets ${e.subsets.join(', ')} with charts`);
    await shot('service');

    await page.goto(new URL('#/resources', input.url).href, { timeout });
    await page.waitForFunction(text => [...document.querySelectorAll('#resources tr.invalid code.path')].some(c => c.textContent === text), e.invalidPath, { timeout });
    steps.push(`resources page shows the invalid resource at ${e.invalidPath}`);
    await shot('resources');

    await page.goto(new URL('#/proxies', input.url).href, { timeout });
    await page.waitForSelector('#proxies tr.in-sync', { timeout });
    steps.push('proxies page shows the proxy in sync');
    await shot('proxies');

    if (problems.length > 0) throw new Error(problems.join('; '));
    console.log(JSON.stringify({ ok: true, steps, screenshots: shots }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, steps, screenshots: shots, error: `${error.message}${problems.length ? ` (${problems.join('; ')})` : ''}` }));
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.log(JSON.stringify({ ok: false, steps: [], screenshots: [], error: String(error?.stack ?? error) }));
  process.exitCode = 1;
});
