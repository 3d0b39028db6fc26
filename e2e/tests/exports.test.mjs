// Figure exports: a panel's SVG from the page equals `playground figure` for the same scenario and
// step (one chart code, native and wasm); PNG downloads are real images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, open, stats } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const ROOT = new URL('../../', import.meta.url).pathname;

/** The native CLI: `cargo test` builds it in target/debug (CI runs that first); else build it. */
function cli() {
  for (const p of ['target/debug/playground', 'target/release/playground']) if (existsSync(join(ROOT, p))) return join(ROOT, p);
  execFileSync('cargo', ['build', '--quiet', '--bin', 'playground'], { cwd: ROOT, stdio: 'inherit' });
  return join(ROOT, 'target/debug/playground');
}

/** Clicks an export button and returns the downloaded file's name and bytes. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}

test('each panel\'s SVG from the page equals `playground figure` at the same step; PNGs are images', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=3000&autoplay=0', { acceptDownloads: true });
  for (let i = 0; i < 10; i++) await page.click('#step100');
  const st = await stats(page);
  assert.equal(st.step, 1000);
  const dir = mkdtempSync(join(tmpdir(), 'figures-'));
  for (const panel of ['landscape', 'loss', 'distance', 'device']) {
    const svg = await download(page, `button[data-export="svg"][data-figure="${panel}"]`);
    assert.equal(svg.name, `analog-playground-${panel}-step-1000.svg`);
    const text = svg.bytes.toString('utf8');
    assert.match(text, /^<svg/);
    assert.ok(text.includes(`<metadata>?${st.scenario.replaceAll('&', '&amp;')}</metadata>`), `${panel}: the link is in the metadata`);
    const out = join(dir, `${panel}.svg`);
    execFileSync(cli(), ['figure', st.scenario, '--panel', panel, '--step', '1000', '--out', out]);
    assert.ok(readFileSync(out).equals(svg.bytes), `${panel}: the page's SVG differs from playground figure's`);
    const png = await download(page, `button[data-export="png"][data-figure="${panel}"]`);
    assert.equal(png.name, `analog-playground-${panel}-step-1000.png`);
    assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${panel}: PNG signature`);
    assert.ok(png.bytes.length > 5000, `${panel}: PNG of ${png.bytes.length} bytes`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the digits charts export too: the accuracy SVG equals `playground figure` after training', async () => {
  const { page, errors, context } = await open(browser, server.url, '?problem=digits&epochs=3&tau=0.5', { acceptDownloads: true });
  await page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).digits?.finished === true, null, { timeout: 30000 });
  await sleep(300);
  const st = await stats(page);
  const svg = await download(page, 'button[data-export="svg"][data-figure="accuracy"]');
  assert.equal(svg.name, 'analog-playground-digits-accuracy-epoch-3.svg');
  const out = join(mkdtempSync(join(tmpdir(), 'figures-')), 'accuracy.svg');
  execFileSync(cli(), ['figure', st.scenario, '--panel', 'accuracy', '--out', out]);
  assert.ok(readFileSync(out).equals(svg.bytes), 'the page\'s accuracy SVG differs from playground figure\'s');
  const png = await download(page, 'button[data-export="png"][data-figure="predictions"]');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('"Copy as aihwkit script" downloads a script that names the scenario and lists what it could not export', async () => {
  const { page, errors, context } = await open(browser, server.url, '?problem=lsq&pulses=both&autoplay=0', { acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const st = await stats(page);
  const py = await download(page, '#export-aihwkit');
  assert.equal(py.name, 'analog_playground_aihwkit.py');
  const text = py.bytes.toString('utf8');
  assert.match(text, /^#!\/usr\/bin\/env python3/);
  assert.ok(text.includes(`SCENARIO = "${st.scenario}"`), 'the script names the scenario');
  assert.match(await page.textContent('#export-status'), /Not exported — aihwkit has no counterpart: pulses=both/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text, 'the clipboard holds the script');
  // A problem aihwkit cannot run: the button is disabled and its tooltip says why.
  await page.goto(server.url + '?problem=quadratic&autoplay=0');
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.isDisabled('#export-aihwkit'), true);
  assert.match(await page.getAttribute('#export-aihwkit', 'title'), /No aihwkit script for this scenario: the aihwkit export covers problem=lsq/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the sweep\'s heatmaps export as the same SVG `playground sweep --svg` writes, and as PNG', async () => {
  const { page, errors, context } = await open(browser, server.url, '?seeds=2&sweep=tau:0.5:2:log:3,alpha:0.01:0.1:log:3&sweep_steps=2000', { acceptDownloads: true });
  await page.waitForFunction(() => /9 cells done/.test(document.querySelector('#sweep-status').textContent), null, { timeout: 30000 });
  const svg = await download(page, '#sweep-svg');
  assert.equal(svg.name, 'analog-playground-sweep.svg');
  const base = svg.bytes.toString('utf8').match(/<metadata>\?(.*?)<\/metadata>/)[1].replaceAll('&amp;', '&');
  assert.match(base, /steps=2000/);
  const out = join(mkdtempSync(join(tmpdir(), 'figures-')), 'maps.svg');
  execFileSync(cli(), ['sweep', base, '--x', 'tau=0.5:2:log:3', '--y', 'alpha=0.01:0.1:log:3', '--svg', out, '--out', out + '.csv']);
  assert.ok(readFileSync(out).equals(svg.bytes), 'the page\'s heatmaps SVG differs from playground sweep --svg');
  const png = await download(page, '#sweep-png');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.deepEqual(errors, []);
  await context.close();
});
