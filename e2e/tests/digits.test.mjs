// End-to-end tests of the digits view: the network trains in a Web Worker while the page keeps
// drawing frames, the readouts and caption follow it, and a digits sweep fills from the workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveDist, launch, open, screenshot, stats, loadTrainer } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const epoch = async (page) => Number(await page.getAttribute('#digits-status', 'data-epoch'));

/** Records long tasks (> 50 ms by definition) and animation frames from page load on. */
async function watchMainThread(context) {
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    window.__frames = 0;
    const tick = () => { window.__frames += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
}

test('the digits scene trains in a worker: epochs and accuracy advance, frames keep coming', async () => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  await watchMainThread(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '?scene=digits');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  assert.equal(await page.getAttribute('#scenes button[data-scene="digits"]', 'aria-pressed'), 'true');
  assert.equal(await page.isVisible('#panel-digits'), true);
  assert.equal(await page.isVisible('#panel-landscape'), false);
  const trainingFrom = await page.evaluate(() => performance.now());
  const frames0 = await page.evaluate(() => window.__frames);
  await page.waitForFunction(() => Number(document.querySelector('#digits-status').dataset.epoch) >= 3, null, { timeout: 20000 });
  const e1 = await epoch(page);
  const acc1 = Number(await page.getAttribute('#acc-tt', 'data-value'));
  await sleep(2000);
  const e2 = await epoch(page);
  const acc2 = Number(await page.getAttribute('#acc-tt', 'data-value'));
  const frames = (await page.evaluate(() => window.__frames)) - frames0;
  const seconds = (await page.evaluate(() => performance.now()) - trainingFrom) / 1000;
  assert.ok(e2 > e1 || e2 === 60, `epochs advance (${e1} → ${e2})`);
  assert.ok(acc1 > 0.3 && acc2 >= acc1 - 0.05, `Tiki-Taka learns (${acc1} → ${acc2})`);
  assert.ok(frames / seconds > 30, `frames keep coming while it trains: ${frames} in ${seconds.toFixed(1)} s`);
  const long = await page.evaluate((from) => window.__longTasks.filter((t) => t.start > from && t.duration > 100), trainingFrom);
  assert.deepEqual(long, [], 'no main-thread task over 100 ms while training');
  // The caption is bound to the live numbers.
  const bound = await page.textContent('#caption output[data-bind="tt_acc"]');
  assert.match(bound, /%/);
  // A network's charts draw no theory, so the legend does not list it.
  assert.equal(await page.isVisible('#legend-theory'), false);
  const st = await stats(page);
  assert.ok(st.digits.epoch >= e2, JSON.stringify(st.digits));
  await screenshot(page, 'digits-training');
  assert.deepEqual(errors, []);
  await context.close();
});

test('digits trains to the end: Tiki-Taka beats Analog SGD at τ = 0.3, the grid and histograms draw', async () => {
  const { page, errors, context } = await open(browser, server.url, '?problem=digits&tau=0.3&epochs=30');
  await page.waitForFunction(() => window.wasmBindings && JSON.parse(window.wasmBindings.playground_stats()).digits?.finished, null, { timeout: 60000 });
  const st = await stats(page);
  const acc = st.digits.accuracy;
  assert.ok(acc.tt > acc.analog + 0.15, `Tiki-Taka ${acc.tt} vs Analog SGD ${acc.analog}`);
  assert.ok(acc.digital > 0.85, `Digital SGD ${acc.digital}`);
  assert.equal(await page.textContent('#play'), 'Done');
  // Every panel has pixels on it.
  for (const id of ['digits-accuracy', 'digits-loss', 'digits-hist', 'digits-grid']) {
    const blank = await page.evaluate((id) => {
      const c = document.getElementById(id);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let first = [d[0], d[1], d[2], d[3]], differ = 0;
      for (let i = 0; i < d.length; i += 4 * 97) if (d[i] !== first[0] || d[i + 1] !== first[1] || d[i + 2] !== first[2]) differ++;
      return differ < 10;
    }, id);
    assert.equal(blank, false, `#${id} is drawn`);
  }
  await page.locator('#panel-digits').screenshot({ path: new URL('../artifacts/digits-final.png', import.meta.url).pathname });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a digits sweep fills from the workers and its cells load', async () => {
  const { page, errors, context } = await open(browser, server.url, '?problem=digits&tau=0.5&epochs=5&autoplay=0');
  await page.fill('#sweep-x-lo', '0.3');
  await page.fill('#sweep-x-hi', '1');
  await page.fill('#sweep-x-n', '2');
  await page.fill('#sweep-y-lo', '0.02');
  await page.fill('#sweep-y-hi', '0.1');
  await page.fill('#sweep-y-n', '2');
  await page.fill('#sweep-steps', '3');
  assert.equal(await page.textContent('#sweep-steps-label'), 'epochs');
  await page.click('#sweep-start');
  await page.waitForFunction(() => /4 cells done/.test(document.querySelector('#sweep-status').textContent), null, { timeout: 60000 });
  const st = await stats(page);
  assert.equal(st.sweep.done, 4);
  assert.equal(st.sweep.error, null);
  await page.locator('#heatmaps').scrollIntoViewIfNeeded();
  await page.locator('#sweep-panel').screenshot({ path: new URL('../artifacts/digits-sweep.png', import.meta.url).pathname });
  const box = await page.locator('#heat-tt').boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.3);
  await sleep(300);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('problem'), 'digits');
  assert.equal(url.searchParams.get('epochs'), '3');
  assert.deepEqual(errors, []);
  await context.close();
});

test('digits: bad layers in a link are repaired with a notice, the view still trains', async () => {
  const { page, errors, context } = await open(browser, server.url, '?problem=digits&layers=32,0,9&batch=99999&epochs=2');
  assert.equal(await page.isVisible('#notice'), true);
  const notice = await page.textContent('#notice-list');
  assert.match(notice, /layers/);
  assert.match(notice, /batch/);
  assert.equal(await page.inputValue('#in-layers'), '64,1,10');
  assert.equal(await page.inputValue('#in-batch'), '1437');
  await page.waitForFunction(() => Number(document.querySelector('#digits-status').dataset.epoch) >= 1, null, { timeout: 20000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('digits: a worker that cannot load is reported on the page, nothing hangs', async () => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  await page.route('**/worker.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(server.url + '?scene=digits');
  await page.waitForFunction(() => /Training stopped/.test(document.querySelector('#digits-status').textContent), null, { timeout: 15000 });
  const status = await page.textContent('#digits-status');
  assert.match(status, /Web Worker/);
  // The rest of the page still works: switching to the 2-D scene runs.
  await page.click('#scenes button[data-scene="stall"]');
  await page.waitForFunction(() => Number(document.querySelector('#step-count').dataset.step) > 100, null, { timeout: 10000 });
  await context.close();
});

test('digits under reduced motion: no intermediate frames, the finished run is shown', async () => {
  const { page, errors, context } = await open(browser, server.url, '?problem=digits', { reducedMotion: 'reduce' });
  const inked = () => page.evaluate(() => {
    const c = document.getElementById('digits-accuracy');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let differ = 0;
    for (let i = 0; i < d.length; i += 4 * 97) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) differ++;
    return differ;
  });
  // While the 60 epochs train, nothing is drawn.
  await page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).digits?.epoch >= 1, null, { timeout: 20000 });
  const midway = JSON.parse(await page.evaluate(() => window.wasmBindings.playground_stats())).digits;
  if (!midway.finished) assert.equal(await inked(), 0, `no intermediate frame (epoch ${midway.epoch})`);
  await page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).digits?.finished, null, { timeout: 60000 });
  await sleep(300);
  assert.ok((await inked()) > 10, 'the finished run is drawn');
  assert.match(await page.textContent('#digits-status'), /epoch 60 \/ 60/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the workers\' module trains the golden digits scenarios to the native fixture\'s numbers, bit for bit', async () => {
  // The workers run their own build (the trainer binary); the wasm golden test covers the page's
  // build of the same core. Same scenarios, same fixture (tests/golden/summaries.json).
  const fixture = JSON.parse(await readFile(new URL('../../tests/golden/summaries.json', import.meta.url), 'utf8'));
  const digits = fixture.filter((s) => /(^|&)problem=(digits|mnist)(&|$)/.test(s.scenario));
  assert.ok(digits.length >= 3, 'the fixture has digits scenarios and the CNN');
  const { page, context, errors } = await open(browser, server.url, '?autoplay=0');
  await loadTrainer(page);
  // The CNN scenario runs on MNIST-10k for CNN_GOLDEN_BATCHES (src/sim/golden.rs) mini-batches.
  await page.evaluate(async () => {
    window.trainer.install_mnist(new Uint8Array(await (await fetch('./mnist10k.bin.gz')).arrayBuffer()));
  });
  for (const want of digits) {
    const batches = /(^|&)arch=cnn(&|$)/.test(want.scenario) ? 20 : Infinity;
    const got = await page.evaluate(([q, batches]) => {
      const t = new window.trainer.Trainer(q);
      for (let k = 0; k < batches && !t.finished(); k++) t.step();
      return JSON.parse(t.state_message(0)).snapshot.summary;
    }, [want.scenario, batches === Infinity ? 1e12 : batches]);
    assert.deepEqual(got, want, want.scenario);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
