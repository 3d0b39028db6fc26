// The right quantity everywhere: sweeps colour where the iterates settle and say which colour is
// better, the loaded cell is marked and brought into view, w* and ◇ stay visible, MNIST from the
// menu is the paper's configuration, inapplicable controls say why, links can fix the step, and
// the phone layout starts with a figure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, screenshot, stats } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const params = (page) => new URL(page.url()).searchParams;

test('a sweep colours the averaged iterate\'s distance, names the better algorithm, marks the loaded cell', async () => {
  const { page, errors, context } = await open(browser, server.url,
    '?sweep=tau:0.2:5:log:3,alpha:0.003:0.3:log:3&sweep_steps=2000', { viewport: { width: 1280, height: 720 } });
  await page.waitForFunction(() => {
    const st = JSON.parse(window.wasmBindings.playground_stats());
    return st.sweep.total > 0 && st.sweep.done === st.sweep.total && !st.sweep.running;
  }, null, { timeout: 60000 });
  await sleep(400);
  assert.equal(await page.getAttribute('#heatmaps', 'data-metric'), 'avg_distance');
  assert.equal(await page.inputValue('#sweep-metric'), 'avg_distance');
  assert.match(await page.textContent('#sweep-title'), /averaged iterate/);
  const legend = await page.textContent('#sweep-legend');
  assert.match(legend, /Tiki-Taka better/);
  assert.match(legend, /Analog SGD better/);
  await sleep(400);
  assert.equal(params(page).get('sweep_metric'), 'avg_distance', 'the metric is kept in the link');
  // Another metric recolours at once and goes into the link.
  await page.selectOption('#sweep-metric', 'tail_loss');
  await sleep(500);
  assert.equal(await page.getAttribute('#heatmaps', 'data-metric'), 'tail_loss');
  assert.match(await page.textContent('#sweep-title'), /tail loss/);
  assert.equal(params(page).get('sweep_metric'), 'tail_loss');
  // Clicking a cell marks it and brings the loaded run into view.
  await page.locator('#heat-ratio').scrollIntoViewIfNeeded();
  const box = await page.locator('#heat-ratio').boundingBox();
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.5);
  await sleep(800);
  assert.match(await page.getAttribute('#heatmaps', 'data-selected'), /^\d+,\d+$/);
  const figures = await page.locator('#figures').boundingBox();
  assert.ok(figures.y < 720 && figures.y + figures.height > 0, `the loaded run is in view: ${JSON.stringify(figures)}`);
  await screenshot(page, 'quantity-sweep-loaded');
  await page.locator('#sweep-panel').scrollIntoViewIfNeeded();
  await screenshot(page, 'quantity-sweep');
  assert.deepEqual(errors, []);
  await context.close();
});

test('w* and the ◇ stay visible over every marker on the default landscape', async () => {
  const { page, errors, context } = await open(browser, server.url, '', { viewport: { width: 1280, height: 720 } });
  await sleep(10000);
  const st = await stats(page);
  assert.ok(st.landmarks?.wstar && st.landmarks?.theory, JSON.stringify(st.landmarks));
  // The ring of w* (foreground colour) and the outline of ◇ (Analog SGD's colour) are painted
  // on the moving layer, the topmost canvas: look for their colours around each point.
  const seen = await page.$eval('#landscape-dynamic', (c, lm) => {
    const dpr = c.width / c.getBoundingClientRect().width;
    const ctx = c.getContext('2d');
    const near = ([x, y], r, test) => {
      const img = ctx.getImageData(Math.round((x - r) * dpr), Math.round((y - r) * dpr), Math.round(2 * r * dpr), Math.round(2 * r * dpr)).data;
      let n = 0;
      for (let i = 0; i < img.length; i += 4) if (img[i + 3] > 200 && test(img[i], img[i + 1], img[i + 2])) n++;
      return n;
    };
    const dark = (r, g, b) => r + g + b < 200;
    const orange = (r, g, b) => r > 170 && g > 60 && g < 150 && b < 80;
    return { wstar: near(lm.wstar, 10, dark), theory: near(lm.theory, 13, orange) };
  }, st.landmarks);
  assert.ok(seen.wstar > 20, `w* ring pixels: ${seen.wstar}`);
  assert.ok(seen.theory > 20, `◇ pixels: ${seen.theory}`);
  await screenshot(page, 'quantity-default-1280x720');
  assert.deepEqual(errors, []);
  await context.close();
});

test('MNIST from the problem menu is the paper\'s configuration', async () => {
  const { page, errors, context } = await open(browser, server.url);
  await page.selectOption('#in-problem', 'mnist');
  await sleep(600);
  const p = params(page);
  for (const [k, v] of [['problem', 'mnist'], ['device', 'softbounds'], ['out_scaling', '1'], ['tile_inputs', '512'], ['pulses', '1'], ['layers', '784,256,128,10']]) {
    assert.equal(p.get(k), v, `${k} in ${page.url()}`);
  }
  const caption = await page.textContent('#caption');
  assert.match(caption, /learned (output )?scale/, caption);
  assert.match(caption, /Setup: 784-256-128-10 on MNIST/, caption);
  assert.deepEqual(errors.filter((e) => !/mnist/i.test(e)), []);
  await context.close();
});

test('a control that does nothing here is disabled and says why', async () => {
  const { page, errors, context } = await open(browser, server.url, '?algos=digital,analog');
  const row = '#ctl-beta';
  assert.equal(await page.getAttribute(row, 'aria-disabled'), 'true');
  assert.match(await page.getAttribute(row, 'title'), /beta: does nothing .*with algorithm .*tt/);
  assert.equal(await page.isDisabled('#range-beta'), true);
  // Keys of other problems fold away until asked for, disabled with their reason.
  assert.equal(await page.isVisible('#ctl-layers'), false);
  await page.check('#show-other');
  assert.equal(await page.isVisible('#ctl-layers'), true);
  assert.match(await page.getAttribute('#ctl-layers', 'title'), /problem=digits/);
  // Adding Tiki-Taka enables β.
  await page.check('#algo-tt');
  await sleep(300);
  assert.equal(await page.getAttribute(row, 'aria-disabled'), null);
  assert.equal(await page.isDisabled('#range-beta'), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('at=N shows the run at that step, paused; a bad at= is a notice', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=6000&at=4000');
  await sleep(500);
  const st = await stats(page);
  assert.equal(st.step, 4000);
  assert.equal(st.playing, false);
  const end = await open(browser, server.url, '?steps=3000&at=end');
  assert.equal((await stats(end.page)).step, 3000);
  const bad = await open(browser, server.url, '?at=soon');
  assert.equal(await bad.page.isVisible('#notice'), true);
  assert.match(await bad.page.textContent('#notice-list'), /at=soon/);
  const beyond = await open(browser, server.url, '?steps=2000&at=9000');
  assert.equal((await stats(beyond.page)).step, 2000);
  assert.match(await beyond.page.textContent('#notice-list'), /has 2000 steps/);
  assert.deepEqual([...errors, ...end.errors, ...bad.errors, ...beyond.errors], []);
  for (const c of [context, end.context, bad.context, beyond.context]) await c.close();
});

test('the loss panel says which curve is the averaged iterate', async () => {
  const { page, errors, context } = await open(browser, server.url);
  assert.match(await page.textContent('#loss-title'), /bold, the averaged iterate's f\(W̄\) − f\*/);
  assert.match(await page.textContent('#panel-readouts thead'), /f\(W̄\) − f\*/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a phone the first figure is on the first screen and nothing overflows', async () => {
  const { page, errors, context } = await open(browser, server.url, '', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await sleep(1500);
  const top = await page.$eval('#landscape-static', (c) => c.getBoundingClientRect().top + window.scrollY);
  assert.ok(top < 844, `the first canvas starts at ${top} px`);
  const widest = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  assert.ok(widest <= 390, `page width ${widest} px`);
  await screenshot(page, 'quantity-phone-390x844');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the tour on a projector: each step\'s text, figure and outlined control are in view at once', async () => {
  for (const [width, height] of [[1280, 720], [1024, 768]]) {
    const { page, errors, context } = await open(browser, server.url, '', { viewport: { width, height } });
    await page.click('#tour-start');
    for (let i = 1; i <= 7; i++) {
      await sleep(i === 7 ? 1500 : 700);
      const view = await page.evaluate((step) => {
        const r = (sel) => { const b = document.querySelector(sel).getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: b.left, right: b.right }; };
        const figure = step === 7 ? '#panel-digits' : '#panel-landscape';
        const side = document.querySelector('.side').getBoundingClientRect();
        return { tour: r('#tour'), caption: r('#caption'), figure: r(figure), control: r('.control.tour-focus'), side: { top: side.top, bottom: side.bottom }, scenes: document.querySelector('#scenes').offsetParent !== null };
      }, i);
      const H = height;
      assert.ok(view.tour.top >= -2 && view.caption.bottom <= H, `${width}×${height} step ${i}: the text is in view ${JSON.stringify(view)}`);
      // At least 60 % of the figure's height (or 300 px of it) is on screen.
      const shown = Math.min(view.figure.bottom, H) - Math.max(view.figure.top, 0);
      assert.ok(shown >= Math.min(300, 0.6 * (view.figure.bottom - view.figure.top)), `${width}×${height} step ${i}: figure ${JSON.stringify(view.figure)}`);
      assert.ok(view.control.top >= Math.max(0, view.side.top) - 4 && view.control.bottom <= Math.min(H, view.side.bottom) + 4, `${width}×${height} step ${i}: control ${JSON.stringify(view.control)}`);
      assert.equal(view.scenes, false, 'the scene list is folded away during the tour');
      if (i === 3 || i === 4) {
        // The ring shows once its symbol is inside the landscape's window (W + P of Tiki-Taka
        // can start outside it): wait up to 5 s for it on a loaded machine.
        const want = i === 3 ? 'theory' : 'p';
        let mark;
        for (let t = 0; t < 50 && mark?.name !== want; t++) {
          mark = (await stats(page)).landmarks?.tour_mark;
          if (mark?.name !== want) await sleep(100);
        }
        assert.equal(mark?.name, want, `step ${i} rings the symbol it names`);
      }
      if (width === 1280 && (i === 3 || i === 4)) await page.screenshot({ path: new URL(`../artifacts/tour-1280x720-step-${i}.png`, import.meta.url).pathname });
      if (i < 7) await page.click('#tour-next');
    }
    await page.keyboard.press('Escape');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('notation=paper writes Tiki-Taka\'s rates in the paper\'s letters, kept in the link', async () => {
  const { page, errors, context } = await open(browser, server.url, '?scene=slow-transfer');
  assert.equal(await page.textContent('#ctl-beta label .sym'), 'β');
  assert.match(await page.textContent('#caption'), /β = /);
  assert.match(await page.textContent('#notation-note'), /aihwkit/);
  await page.check('#notation-paper');
  await sleep(500);
  assert.equal(params(page).get('notation'), 'paper');
  assert.equal(await page.textContent('#ctl-beta label .sym'), 'α');
  assert.equal(await page.textContent('#ctl-alpha label .sym'), 'α = β');
  assert.match(await page.textContent('#caption'), /with α = /);
  assert.doesNotMatch(await page.textContent('#caption'), /β = 1e-5/);
  assert.match(await page.textContent('#notation-note'), /2024 paper/);
  const linked = await open(browser, server.url, '?notation=paper&algos=tt');
  assert.equal(await linked.page.textContent('#ctl-alpha label .sym'), 'β');
  assert.equal(await linked.page.isChecked('#notation-paper'), true);
  assert.deepEqual([...errors, ...linked.errors], []);
  await context.close();
  await linked.context.close();
});

test('after a control changes, the previous run stays as a faint ghost; ghost=0 turns it off', async () => {
  const { page, errors, context } = await open(browser, server.url, '?steps=20000');
  await sleep(1500);
  const painted = () => page.$eval('#loss-dynamic', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  assert.equal((await stats(page)).ghost, false);
  await page.fill('#in-alpha', '0.01');
  await page.press('#in-alpha', 'Enter');
  await sleep(300);
  assert.equal((await stats(page)).ghost, true);
  assert.equal(await page.isVisible('#ghost-note'), true);
  assert.match(await page.textContent('#ghost-note'), /α = β = 0\.05 → 0\.01|α = 0\.05 → 0\.01/);
  await page.screenshot({ path: new URL('../artifacts/ghost-alpha.png', import.meta.url).pathname });
  const withGhost = await painted();
  assert.ok(withGhost > 500, `the ghost's loss curve is drawn right after the restart: ${withGhost}`);
  // A scene is a new story: no ghost.
  await page.click('#scenes button[data-scene="symmetric"]');
  await sleep(300);
  assert.equal((await stats(page)).ghost, false);
  const off = await open(browser, server.url, '?steps=20000&ghost=0');
  await sleep(1500);
  await off.page.fill('#in-alpha', '0.01');
  await off.page.press('#in-alpha', 'Enter');
  await sleep(300);
  assert.equal((await stats(off.page)).ghost, false);
  assert.equal(new URL(off.page.url()).searchParams.get('ghost'), '0');
  assert.deepEqual([...errors, ...off.errors], []);
  await context.close();
  await off.context.close();
});
