// End-to-end tests of the built site: what a person sees and does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, stepCount, screenshot, stats, cli } from '../helpers.mjs';
import { execFileSync } from 'node:child_process';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const params = (page) => new URL(page.url()).searchParams;

test('loads without console errors, runs the default scene, pause stops it', async () => {
  const { page, errors, context } = await open(browser, server.url);
  const s0 = await stepCount(page);
  await sleep(700);
  const s1 = await stepCount(page);
  assert.ok(s1 > s0, `step counter should advance (${s0} → ${s1})`);
  assert.equal(await page.getAttribute('#scenes button[data-scene="stall"]', 'aria-pressed'), 'true');
  await page.click('#play');
  await sleep(200);
  const p0 = await stepCount(page);
  await sleep(600);
  assert.equal(await stepCount(page), p0, 'paused: the step counter must not move');
  await page.keyboard.press('Space'); // Space resumes (focus is on the button: blur first)
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('Space');
  await sleep(400);
  await screenshot(page, 'default');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the default scene makes its point: Analog SGD stalls, Tiki-Taka ends ≥ 3× closer', async () => {
  const { page, errors, context } = await open(browser, server.url);
  await sleep(5000);
  const analog = Number(await page.getAttribute('#dist-analog', 'data-value'));
  const tt = Number(await page.getAttribute('#dist-tt', 'data-value'));
  const st = await stats(page);
  await screenshot(page, 'default-after-5s');
  assert.ok(st.step > 2000, `ran ${st.step} steps`);
  assert.ok(analog > 0.1, `Analog SGD should settle visibly away from w* (${analog})`);
  assert.ok(analog > 3 * tt, `Analog ${analog} vs Tiki-Taka ${tt}`);
  // The caption's numbers are bound to the same live values.
  const bound = await page.textContent('#caption output[data-bind="ratio"]');
  assert.ok(Number(bound) >= 3, `caption ratio ${bound}`);
  assert.equal(await page.isVisible('#legend-theory'), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('after 5 s the averaged iterates tell the story: Analog SGD on the ◇, Tiki-Taka much closer to w*', async () => {
  const { page, errors, context } = await open(browser, server.url);
  await sleep(5000);
  const avg = (await stats(page)).averaged;
  await screenshot(page, 'default-averaged-after-5s');
  const analog = avg.to_wstar.analog, tt = avg.to_wstar.tt;
  assert.ok(avg.analog_to_theory <= 0.25 * avg.theory_bias, `Analog SGD's average ${avg.analog_to_theory} from the ◇ (bias ${avg.theory_bias})`);
  assert.ok(analog >= 5 * tt, `Tiki-Taka's average ${tt} vs Analog SGD's ${analog} from w*`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('moving the τ slider by keyboard updates the URL and restarts', async () => {
  const { page, errors, context } = await open(browser, server.url);
  await sleep(600);
  const before = await stepCount(page);
  assert.ok(before > 100);
  await page.focus('#range-tau');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await sleep(500);
  const tau = Number(params(page).get('tau'));
  assert.ok(tau > 1 && tau < 1.1, `tau in the URL: ${tau}`);
  assert.equal(await page.inputValue('#in-tau'), String(tau));
  assert.ok((await stepCount(page)) < before, 'the run restarted');
  assert.match(await page.getAttribute('#range-tau', 'aria-valuetext'), /τ = /);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a permalink restores every control', async () => {
  const q = '?v=1&problem=quadratic&algos=analog,tt&device=ald&tau=0.7&sp=0.1&alpha=0.02&beta=0.3&gamma=0.2&every=3&n_reads=2&transfer_read_noise=0.01&sigma=0.8&steps=5000&seed=7&h=2,1&wstar=0.3,0.2&w0=-0.4,-0.1&up_down=0.05&d2d=0.1&device_seed=3&pulses=1&zero_shift=0&dw_min=0.002&bl=300&transfer_bl=20&c2c=0.2&c2c_mult=0&seeds=1&speed=100&logx=1';
  const { page, errors, context } = await open(browser, server.url, q);
  const expect = { tau: '0.7', sp: '0.1', alpha: '0.02', beta: '0.3', gamma: '0.2', every: '3', sigma: '0.8', steps: '5000', seed: '7', h: '2,1', wstar: '0.3,0.2', w0: '-0.4,-0.1', up_down: '0.05', d2d: '0.1', device_seed: '3', dw_min: '0.002', bl: '300', c2c: '0.2', c2c_mult: '0', n_reads: '2', transfer_read_noise: '0.01', transfer_bl: '20' };
  for (const [k, v] of Object.entries(expect)) assert.equal(await page.inputValue(`#in-${k}`), v, k);
  assert.equal(await page.inputValue('#in-problem'), 'quadratic');
  assert.equal(await page.inputValue('#in-device'), 'ald');
  assert.equal(await page.inputValue('#in-pulses'), '1');
  assert.equal(await page.isChecked('#algo-digital'), false);
  assert.equal(await page.isChecked('#algo-analog'), true);
  assert.equal(await page.isChecked('#algo-tt'), true);
  assert.equal(await page.inputValue('#speed'), '100');
  assert.equal(await page.isChecked('#logx'), true);
  const st = await stats(page);
  assert.equal(st.scenario, q.slice(1).replace('&speed=100&logx=1', ''));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the controls are the vocabulary\'s: one per key declared with a control, in group order', async () => {
  const rows = execFileSync(cli(), ['keys'], { encoding: 'utf8' }).trim().split('\n');
  const head = rows[0].split('\t');
  const [name, group, control] = ['key', 'group', 'page control'].map((c) => head.indexOf(c));
  const declared = [];
  for (const r of rows.slice(1).filter((r) => r.includes('\t'))) {
    const f = r.split('\t');
    if (f[control].startsWith('none')) continue;
    declared.push({ key: f[name], group: f[group] });
  }
  // The page orders by group (first appearance in the table), keeping table order within one.
  const order = ['setup', 'device', 'steps', 'transfer', 'pulses', 'periphery', 'data'];
  const expected = declared.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group)).map((d) => d.key);
  const { page, errors, context } = await open(browser, server.url, '');
  const shown = await page.$$eval('#controls [id^=ctl-]', (els) => els.map((e) => e.id.slice(4)));
  assert.deepEqual(shown, expected);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a malformed permalink shows a notice and a working figure', async () => {
  const { page, errors, context } = await open(browser, server.url, '?tau=1e99&alpha=banana&bogus=1&wstar=0.5&h=1,2,3&speed=fast');
  assert.equal(await page.isVisible('#notice'), true);
  const text = await page.textContent('#notice-list');
  for (const needle of ['tau=1e99', 'alpha=banana', 'bogus', 'speed=fast']) assert.ok(text.includes(needle), `${needle} in ${text}`);
  assert.equal(await page.inputValue('#in-tau'), '1e12');
  const s0 = await stepCount(page);
  await sleep(500);
  assert.ok((await stepCount(page)) > s0, 'the figure still runs');
  await screenshot(page, 'malformed-link');
  assert.deepEqual(errors, []);
  await context.close();
});

test('embed=1 shows only the figure and a minimal control row; hide= hides chosen controls', async () => {
  const { page, errors, context } = await open(browser, server.url, '?embed=1');
  assert.equal(await page.isVisible('#controls'), false);
  assert.equal(await page.isVisible('header.site'), false);
  assert.equal(await page.isVisible('#play'), true);
  assert.equal(await page.isVisible('#open-full'), true);
  assert.equal(await page.isVisible('#landscape-static'), true);
  await screenshot(page, 'embed');
  await context.close();
  const b = await open(browser, server.url, '?hide=tau,alpha');
  assert.equal(await b.page.isVisible('#ctl-tau'), false);
  assert.equal(await b.page.isVisible('#ctl-alpha'), false);
  assert.equal(await b.page.isVisible('#ctl-beta'), true);
  assert.deepEqual([...errors, ...b.errors], []);
  await b.context.close();
});

test('each scene loads from its button and draws', async () => {
  const { page, errors, context } = await open(browser, server.url);
  const ids = await page.$$eval('#scenes button', (bs) => bs.map((b) => b.dataset.scene));
  assert.equal(ids.length, 15);
  for (const id of ids) {
    await page.click(`#scenes button[data-scene="${id}"]`);
    await sleep(400);
    assert.equal(await page.getAttribute(`#scenes button[data-scene="${id}"]`, 'aria-pressed'), 'true', id);
    const caption = await page.textContent('#caption');
    assert.ok(caption.length > 40 && !caption.includes('{'), `${id}: ${caption}`);
    // Steps, or on the digits scenes epochs (trained in a worker that may still be starting).
    // The CNN's first pulse-level epoch takes longest (three tracks on two cores).
    const timeout = id === 'paper-cnn' ? 240000 : 15000;
    await page.waitForFunction(() => Number(document.querySelector('#step-count').dataset.step) > 0, null, { timeout });
    assert.ok((await stepCount(page)) > 0, `${id} runs`);
    await screenshot(page, `scene-${id}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('exports the scenario as JSON and the run as CSV', async () => {
  const { page, errors, context } = await open(browser, server.url, '?tau=0.7&steps=3000&speed=max');
  await sleep(800);
  const fs = await import('node:fs');
  const [j] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const json = JSON.parse(fs.readFileSync(await j.path(), 'utf8'));
  assert.equal(json.keys.tau, '0.7');
  assert.ok(json.scenario.includes('tau=0.7'));
  assert.equal(json.summary.algorithms.length, 3);
  const [c] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const all = fs.readFileSync(await c.path(), 'utf8').trim().split('\n');
  // The units line (`# units: …`, one unit per column) comes first; the table follows it.
  const units = all[0].replace(/^# units: /, '').split(',');
  const lines = all.filter((l) => !l.startsWith('#'));
  const track = (t) => `${t}_loss_mean,${t}_loss_min,${t}_loss_max,${t}_avg_loss,${t}_avg_distance,${t}_avg_w0,${t}_avg_w1`;
  assert.equal(lines[0], `step,steps,${track('digital')},${track('analog')},${track('tt')}`);
  assert.ok(all[0].startsWith('# units: step,steps,f − f*,'), all[0]);
  assert.equal(units.length, lines[0].split(',').length);
  assert.ok(lines.length > 100, `${lines.length} rows`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('w* moves with the keyboard and the run restarts', async () => {
  const { page, errors, context } = await open(browser, server.url);
  await page.focus('#landscape-dynamic');
  await page.keyboard.press('ArrowLeft');
  await sleep(400);
  assert.equal(params(page).get('wstar'), '0.55,-0.4');
  assert.deepEqual(errors, []);
  await context.close();
});

test('reduced motion shows the final state without animating; dark scheme changes the background', async () => {
  const { page, context } = await open(browser, server.url, '', { reducedMotion: 'reduce', colorScheme: 'dark' });
  const s0 = await stepCount(page);
  assert.equal(s0, 20000, 'the run is computed to its end at once');
  await sleep(500);
  assert.equal(await stepCount(page), s0, 'nothing moves');
  assert.equal(await page.textContent('#play'), 'Done');
  const analog = Number(await page.getAttribute('#dist-analog', 'data-value'));
  const tt = Number(await page.getAttribute('#dist-tt', 'data-value'));
  assert.ok(analog > 3 * tt, `final state makes the point: ${analog} vs ${tt}`);
  const plain = await open(browser, server.url, '?autoplay=0');
  await sleep(400);
  assert.equal(await stepCount(plain.page), 0, 'autoplay=0 starts paused at step 0');
  assert.equal(await plain.page.textContent('#play'), 'Play');
  assert.equal(await plain.page.textContent('#loss-digital'), '—');
  await plain.context.close();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(22, 24, 29)');
  await screenshot(page, 'dark-reduced-motion');
  await context.close();
});

test('problems lsq and lower_bound show the weights view', async () => {
  for (const problem of ['lsq', 'lower_bound']) {
    const { page, errors, context } = await open(browser, server.url, `?problem=${problem}`);
    assert.equal(await page.isVisible('#panel-weights'), true);
    assert.equal(await page.isVisible('#panel-landscape'), false);
    await sleep(300);
    await screenshot(page, `problem-${problem}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a sweep fills progressively, keeps the page responsive, cancels, and loads a clicked cell', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=20000');
  await page.fill('#sweep-x-n', '5');
  await page.fill('#sweep-y-n', '5');
  await page.fill('#sweep-steps', '1000000');
  await page.click('#sweep-start');
  await sleep(800);
  const a = await stats(page);
  const stepA = await stepCount(page);
  // A cell of a million steps takes about a second, longer while the machine is busy: wait for the
  // next cell (up to 10 s) rather than a fixed time.
  await sleep(1200);
  let b = await stats(page);
  for (let waited = 0; b.sweep.done <= a.sweep.done && waited < 10000; waited += 250) {
    await sleep(250);
    b = await stats(page);
  }
  assert.ok(b.sweep.running, 'the sweep is running');
  assert.ok(b.sweep.done > a.sweep.done, `progress advances (${a.sweep.done} → ${b.sweep.done})`);
  assert.ok((await stepCount(page)) > stepA, 'the live view keeps stepping');
  assert.ok(b.frames > 30 && b.frame_interval_p50_ms < 40, `frames keep coming (median ${b.frame_interval_p50_ms} ms)`);
  // The bar is redrawn with the heatmaps, at most every 250 ms: after that long it shows at least
  // the cells counted above (with faster cells, more than one can land between two redraws).
  await sleep(300);
  assert.ok(Number(await page.getAttribute('#sweep-progress', 'value')) >= b.sweep.done, 'the progress bar follows');
  assert.match(params(page).get('sweep') ?? '', /^tau:0\.2:5:log:5,alpha:0\.003:0\.3:log:5$/);
  await page.click('#sweep-cancel');
  const c = (await stats(page)).sweep.done;
  await sleep(600);
  const d = await stats(page);
  assert.equal(d.sweep.running, false);
  assert.equal(d.sweep.done, c, 'no cells after cancel');
  assert.match(await page.textContent('#sweep-status'), /cancelled/);
  // Click the first (bottom-left) cell: τ = 0.2 and α = 0.003 load into the live view.
  await page.locator('#heat-analog').scrollIntoViewIfNeeded();
  const box = await page.locator('#heat-analog').boundingBox();
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await sleep(500);
  const q = params(page);
  assert.equal(q.get('tau'), '0.2');
  assert.equal(q.get('alpha'), '0.003');
  assert.equal(q.get('steps'), '1000000');
  assert.equal(await page.inputValue('#in-tau'), '0.2');
  await screenshot(page, 'sweep');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a sweep link reopens the heatmap; several seeds draw bands', async () => {
  const { page, errors, context } = await open(browser, server.url, '?seeds=3&sweep=tau:0.5:2:log:3,alpha:0.01:0.1:log:3&sweep_steps=2000');
  await page.waitForFunction(() => /9 cells done/.test(document.querySelector('#sweep-status').textContent), null, { timeout: 20000 });
  assert.match(await page.textContent('#loss-title'), /3 noise seeds/);
  assert.match(await page.textContent('#sweep-status'), /9 cells done/);
  assert.equal(await page.isEnabled('#sweep-csv'), true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-csv')]);
  const path = await download.path();
  const csv = (await import('node:fs')).readFileSync(path, 'utf8');
  assert.equal(csv.split('\n')[0], 'tau,alpha,digital_avg_distance,digital_diverged,analog_avg_distance,analog_diverged,tt_avg_distance,tt_diverged,tt_over_analog');
  assert.equal(csv.trim().split('\n').length, 10);
  await screenshot(page, 'sweep-link');
  assert.deepEqual(errors, []);
  await context.close();
});

test('no serious accessibility violations (axe-core), light and dark, 2-D and digits views', async () => {
  for (const [colorScheme, query] of [['light', ''], ['dark', ''], ['light', '?scene=digits'], ['dark', '?scene=digits']]) {
    // bypassCSP: axe is injected as an inline script, which the page's CSP (rightly) refuses.
    const { page, context } = await open(browser, server.url, query, { colorScheme, bypassCSP: true });
    if (query) await page.waitForSelector('#digits-rows tr');
    await page.addScriptTag({ path: new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${colorScheme} ${query}`);
    await context.close();
  }
});

test('the readout table updates its cells in place while the run plays', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=100000000');
  await sleep(300);
  const cell = await page.$('#loss-analog');
  const before = await cell.textContent();
  await sleep(1200);
  assert.equal(await cell.evaluate((el) => el.isConnected), true, 'the same cell element is still in the table');
  assert.notEqual(await cell.textContent(), before, 'its value changed');
  assert.deepEqual(errors, []);
  await context.close();
});
