// Figure exports: a panel's SVG from the page equals `playground figure` for the same scenario and
// step (one chart code, native and wasm); PNG downloads are real images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, open, stats, cli, download } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
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
    // The PNG is the SVG rasterised at 2×: twice its width and height.
    const [w, h] = [Number(text.match(/<svg[^>]* width="(\d+)"/)[1]), Number(text.match(/<svg[^>]* height="(\d+)"/)[1])];
    assert.deepEqual(pngSize(png.bytes), [2 * w, 2 * h], `${panel}: PNG size against the SVG's ${w}×${h}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

/** Width and height of a PNG (its IHDR chunk). */
const pngSize = (bytes) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];

/** The file names in a zip archive and each one's local-header offset (from its central directory). */
function zipEntries(bytes) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip archive');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const [nameLen, extraLen, commentLen] = [bytes.readUInt16LE(at + 28), bytes.readUInt16LE(at + 30), bytes.readUInt16LE(at + 32)];
    names.push(bytes.subarray(at + 46, at + 46 + nameLen).toString('utf8'));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

test('"Figure set" downloads one zip with every panel as SVG and PNG and the scenario\'s link', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=3000&autoplay=0', { acceptDownloads: true });
  for (let i = 0; i < 5; i++) await page.click('#step100');
  const zip = await download(page, '#export-set');
  assert.equal(zip.name, 'analog-playground-figures-step-500.zip');
  const names = zipEntries(zip.bytes).sort();
  const expected = ['device', 'distance', 'landscape', 'loss'].flatMap((p) => [`${p}.png`, `${p}.svg`]).concat('scenario.txt').sort();
  assert.deepEqual(names, expected);
  await page.waitForFunction(() => /Figure set downloaded: 4 panels/.test(document.querySelector('#export-status').textContent));
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
