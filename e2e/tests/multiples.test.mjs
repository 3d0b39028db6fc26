// Small multiples (`multiples=KEY:V1,V2,…`): one landscape per value, side by side on identical
// noise, shown as the very SVG that `playground figure --multiples` writes; bad specs give a
// notice and never a broken page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, open, screenshot, cli, download } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Waits until the section has computed its figure or its note. */
const settled = (page) => page.waitForSelector('#multiples[data-state="ready"], #multiples[data-state="note"]', { timeout: 20000 });

/** The plot frames of an SVG figure (its outlined rectangles wider than 200 px): x, width, height. */
const frames = (svg) => [...svg.matchAll(/<rect([^>]*)>/g)]
  .map((m) => m[1]).filter((a) => a.includes('fill="none"'))
  .map((a) => ['x', 'width', 'height'].map((k) => Number(a.match(new RegExp(` ${k}="([^"]*)"`))[1])))
  .filter(([, w]) => w > 200);

/** The text of every <text> element. */
const texts = (svg) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());

test('multiples=tau:0.5,1,5 draws one landscape per value, the same SVG as `playground figure --multiples`', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=3000&autoplay=0&multiples=tau:0.5,1,5', { acceptDownloads: true });
  await settled(page);
  assert.equal(await page.isVisible('#multiples'), true);
  assert.equal(await page.getAttribute('#multiples', 'data-count'), '3');
  assert.equal(await page.getAttribute('#multiples', 'data-state'), 'ready');
  await page.waitForFunction(() => document.querySelector('#multiples-figure').naturalWidth > 0);
  assert.equal(await page.isVisible('#multiples-figure'), true);
  assert.equal(await page.isHidden('#multiples-note'), true, 'no note for a valid spec');
  const svg = await download(page, '#multiples-svg');
  assert.equal(svg.name, 'analog-playground-multiples-tau.svg');
  const text = svg.bytes.toString('utf8');
  const f = frames(text);
  assert.equal(f.length, 3, `one plot frame per value: ${JSON.stringify(f)}`);
  assert.ok(f[0][0] < f[1][0] && f[1][0] < f[2][0], 'side by side');
  for (const label of ['τ = 0.5', 'τ = 1', 'τ = 5', 'w* (optimum)']) assert.ok(texts(text).includes(label), `no ${label}`);
  assert.ok(texts(text).some((t) => t.includes('for τ\u00a0=\u00a00.5, 1, 5 (same noise)')), 'the title names the values');
  // The page's SVG equals the command line's for the scenario in its link.
  const link = text.match(/<metadata>\?(.*?)<\/metadata>/)[1].replaceAll('&amp;', '&');
  assert.ok(link.endsWith('&multiples=tau:0.5,1,5'), link);
  const base = link.replace(/&multiples=.*$/, '');
  assert.match(base, /steps=3000/);
  const out = join(mkdtempSync(join(tmpdir(), 'multiples-')), 'm.svg');
  execFileSync(cli(), ['figure', base, '--multiples', 'tau:0.5,1,5', '--out', out]);
  assert.ok(readFileSync(out).equals(svg.bytes), 'the page\'s multiples SVG differs from playground figure --multiples');
  // The PNG is that SVG at 2×.
  const png = await download(page, '#multiples-png');
  assert.equal(png.name, 'analog-playground-multiples-tau.png');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const [w, h] = [Number(text.match(/<svg[^>]* width="(\d+)"/)[1]), Number(text.match(/<svg[^>]* height="(\d+)"/)[1])];
  assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], [2 * w, 2 * h]);
  // A new scenario (new noise) recomputes the figure once the controls are still.
  const before = await page.getAttribute('#multiples-figure', 'src');
  await page.click('#reseed');
  await page.waitForFunction((src) => document.querySelector('#multiples-figure').getAttribute('src') !== src
    && document.querySelector('#multiples').dataset.state === 'ready', before, { timeout: 20000 });
  const again = (await download(page, '#multiples-svg')).bytes.toString('utf8');
  assert.notEqual(again.match(/seed=(\d+)/)[1], text.match(/seed=(\d+)/)[1], 'the figure follows the new seed');
  assert.match(page.url(), /multiples=tau:0\.5,1,5/, 'the link keeps the view');
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad multiples= specs are dropped with a visible notice, never a broken page', async () => {
  for (const [spec, expect] of [
    ['alpha:x', /multiples=alpha:x: "x" is not a number; ignored/],
    ['tau:1,2,3,4,5,6,7', /7 values; at most 6 are drawn side by side; ignored/],
    ['algos:1,2', /algos is not a numeric key/],
  ]) {
    const { page, errors, context } = await open(browser, server.url, `?autoplay=0&multiples=${spec}`);
    assert.equal(await page.isVisible('#notice'), true, `${spec}: notice shown`);
    assert.match(await page.textContent('#notice-list'), expect);
    assert.equal(await page.isHidden('#multiples'), true, `${spec}: no multiples section`);
    assert.equal(await page.isVisible('#landscape-static'), true, `${spec}: the page works`);
    assert.deepEqual(errors, [], spec);
    await context.close();
  }
  // Specs that parse but cannot be drawn here: the section says why.
  for (const [query, expect] of [
    ['problem=digits&epochs=2&multiples=tau:0.5,1', /draw the 2-D or 1-D landscape; problem=digits trains in the background/],
    ['problem=lsq&autoplay=0&multiples=tau:1,2', /for problem=lsq use a sweep/],
    ['steps=5000000&autoplay=0&multiples=tau:1,2', /2 runs of 5,000,000 steps are too many to compute in the page/],
    ['autoplay=0&multiples=tau:0.5,1e13', /multiples: tau=1e13: out of range .* clamped to 1e12/],
  ]) {
    const { page, errors, context } = await open(browser, server.url, `?${query}`);
    await settled(page);
    assert.equal(await page.isVisible('#multiples-note'), true, query);
    assert.match(await page.textContent('#multiples-note'), expect);
    assert.deepEqual(errors, [], query);
    await context.close();
  }
});

test('the multiples view fits 1280×720, 760×700, 400×600 and 390×844 (screenshots in e2e/artifacts/)', async () => {
  for (const [width, height, query] of [
    [1280, 720, 'multiples=tau:0.5,1,5'],
    [760, 700, 'multiples=tau:0.5,1,5'],
    [400, 600, 'multiples=tau:0.5,1,5'],
    [390, 844, 'multiples=sigma:0.1,0.5,1,2'],
    [1280, 720, 'multiples=alpha:0.01,0.02,0.05,0.1,0.2,0.5'],
    [760, 700, 'embed=1&multiples=tau:0.5,1,5'],
  ]) {
    const label = `${width}×${height} ${query}`;
    const { page, errors, context } = await open(browser, server.url, `?autoplay=0&${query}`, { viewport: { width, height } });
    await settled(page);
    await page.waitForFunction(() => document.querySelector('#multiples-figure').naturalWidth > 0);
    const box = await page.$eval('#multiples-figure', (img) => {
      const r = img.getBoundingClientRect();
      const s = img.parentElement.getBoundingClientRect();
      return { width: r.width, height: r.height, natural: img.naturalWidth, scroll: s.width, page: document.documentElement.scrollWidth };
    });
    assert.ok(box.page <= width + 1, `${label}: the page is ${box.page} px wide`);
    assert.ok(box.width <= box.natural + 1, `${label}: never scaled up (${box.width} of ${box.natural})`);
    // Text stays legible: narrower screens get the cells in fewer columns (one on a phone), so
    // the figure is shown at nearly its own size (its 11 px text at ≥ 9 px); an embed fits the
    // wide figure to its frame.
    if (!query.startsWith('embed')) {
      assert.ok(box.width >= 0.8 * box.natural, `${label}: shown ${Math.round(box.width)} px of ${box.natural}`);
      if (width <= 640) assert.equal(box.natural, 400, `${label}: one column on a phone`);
    }
    if (query.startsWith('embed')) {
      const e = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, inner: innerHeight }));
      assert.ok(e.h <= e.inner + 1, `${label}: the embed scrolls (${e.h} px in ${e.inner})`);
    }
    await page.$eval('#multiples', (s) => s.scrollIntoView());
    await screenshot(page, `multiples-${width}x${height}${query.startsWith('embed') ? '-embed' : ''}${query.includes('alpha') ? '-six' : ''}`);
    assert.deepEqual(errors, [], label);
    await context.close();
  }
});

test('the multiples section has no serious accessibility violations (axe-core), light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    // bypassCSP: axe is injected as an inline script, which the page's CSP (rightly) refuses.
    const { page, errors, context } = await open(browser, server.url, '?autoplay=0&multiples=tau:0.5,1,5', { colorScheme, bypassCSP: true });
    await settled(page);
    assert.match(await page.getAttribute('#multiples-figure', 'alt'), /Small multiples of tau:0\.5,1,5/);
    await page.addScriptTag({ path: new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname });
    const result = await page.evaluate(async () => await window.axe.run('#multiples', { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], colorScheme);
    assert.deepEqual(errors, [], colorScheme);
    await context.close();
  }
});
