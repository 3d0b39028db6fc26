// The first five seconds: the distance panel, the zoomed landscape, the 1-D view, the guided tour,
// and the page's isolation (its CSP and no request outside its own origin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, screenshot, stats } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const params = (page) => new URL(page.url()).searchParams;

/** How many pixels of a (transparent-background) moving layer are painted. */
const painted = (page, id) => page.$eval(`#${id}`, (c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
  return n;
});

test('the default scene draws the distance panel: curves and Analog SGD\'s theory bias', async () => {
  const { page, errors, context } = await open(browser, server.url);
  await sleep(3000);
  assert.equal(await page.isVisible('#panel-distance'), true);
  assert.ok((await painted(page, 'distance-dynamic')) > 1500, 'the distance curves are drawn');
  const st = await stats(page);
  assert.ok(st.averaged.theory_bias > 0.1, `theory bias ${st.averaged.theory_bias}`);
  // The landscape zooms to the action: the ◇ and w* are well apart on the canvas.
  assert.equal(await page.isChecked('#full-range'), false);
  await page.check('#full-range');
  await sleep(300);
  assert.equal(params(page).get('zoom'), 'full', 'the toggle is kept in the link');
  await page.uncheck('#full-range');
  await sleep(300);
  assert.equal(params(page).get('zoom'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a one-coordinate problem gets the 1-D view: f(w) with the averaged iterates', async () => {
  const { page, errors, context } = await open(browser, server.url, '?wstar=0.6&h=2');
  await sleep(3000);
  assert.equal(await page.isHidden('#notice'), true, 'w0 and h follow the dimension of w*: no notice');
  assert.equal(await page.textContent('#landscape-title'), 'f(w) and the averaged iterates');
  assert.equal(await page.isVisible('#panel-landscape'), true);
  assert.equal(await page.isHidden('#panel-weights'), true);
  assert.ok((await painted(page, 'landscape-dynamic')) > 300, 'the averaged iterates are drawn');
  const avg = (await stats(page)).averaged;
  assert.ok(avg.analog_to_theory <= 0.25 * avg.theory_bias, `Analog SGD's average ${avg.analog_to_theory} from the ◇ (bias ${avg.theory_bias})`);
  assert.ok(avg.to_wstar.analog >= 5 * avg.to_wstar.tt, `Tiki-Taka ${avg.to_wstar.tt} vs Analog SGD ${avg.to_wstar.analog}`);
  await screenshot(page, 'one-d-view');
  // The arrow keys move w* along its one axis.
  await page.focus('#landscape-dynamic');
  await page.keyboard.press('ArrowRight');
  await sleep(400);
  assert.equal(params(page).get('wstar'), '0.65');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the guided tour: every step loads without errors, Back/Next and keys, tour=N in the link', async () => {
  const { page, errors, context } = await open(browser, server.url);
  assert.equal(await page.isHidden('#tour'), true);
  await page.click('#tour-start');
  const titles = [];
  for (let i = 1; i <= 7; i++) {
    await sleep(i === 7 ? 1500 : 500);
    assert.equal(await page.textContent('#tour-count'), `Guided tour · step ${i} of 7`);
    assert.equal(params(page).get('tour'), String(i));
    titles.push(await page.textContent('#tour-title'));
    // The step points at its control, and the caption is the step's text.
    assert.equal(await page.$$eval('.control.tour-focus', (els) => els.length), 1, `step ${i}: one control outlined`);
    assert.ok((await page.textContent('#caption')).length > 80, `step ${i}: caption`);
    if (i === 3) await screenshot(page, 'tour-step-3');
    if (i < 7) await page.click('#tour-next');
  }
  assert.equal(await page.isDisabled('#tour-next'), true, 'Next is disabled on the last step');
  assert.equal(new Set(titles).size, 7);
  // Keyboard: ← goes back, Escape closes.
  await page.focus('#tour-back');
  await page.keyboard.press('ArrowLeft');
  await sleep(500);
  assert.equal(params(page).get('tour'), '6');
  await page.keyboard.press('Escape');
  await sleep(300);
  assert.equal(await page.isHidden('#tour'), true);
  assert.equal(params(page).get('tour'), null);
  assert.equal(await page.$$eval('.tour-focus', (els) => els.length), 0);
  assert.deepEqual(errors, []);
  await context.close();

  const linked = await open(browser, server.url, '?tour=3');
  await sleep(500);
  assert.equal(await linked.page.textContent('#tour-count'), 'Guided tour · step 3 of 7');
  assert.equal(await linked.page.textContent('#tour-title'), titles[2]);
  assert.equal(await linked.page.isVisible('#ctl-sigma.tour-focus'), true, 'step 3 points at σ');
  assert.deepEqual(linked.errors, []);
  await linked.context.close();

  const bad = await open(browser, server.url, '?tour=12');
  assert.match(await bad.page.textContent('#notice-list'), /tour=12: the guided tour has steps 1 to 7/);
  assert.equal(await bad.page.isHidden('#tour'), true);
  await bad.context.close();
});

test('every scene and tour step stays on its own origin and the CSP reports no violation', async () => {
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const foreign = [];
  const requested = [];
  context.on('request', (r) => requested.push(r.url()));
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:') {
      foreign.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]');
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /connect-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const scenes = await page.$$eval('#scenes button', (bs) => bs.map((b) => b.dataset.scene));
  assert.ok(scenes.length >= 11);
  const links = [...scenes.map((s) => `?scene=${s}`), ...[1, 2, 3, 4, 5, 6, 7].map((n) => `?tour=${n}`), '?scene=stall&embed=1'];
  for (const q of links) {
    await page.goto(server.url + q);
    await page.waitForSelector('body[data-ready="1"]');
    await sleep(q.includes('digits') || q === '?tour=7' ? 1500 : 400);
    assert.deepEqual(await page.evaluate(() => window.__csp), [], `${q}: CSP violations`);
  }
  // A sweep runs in the workers: they load their script and the wasm from this origin too.
  await page.goto(server.url + '?scene=stall');
  await page.waitForSelector('body[data-ready="1"]');
  await page.click('#sweep-start');
  await page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).sweep.done > 0, null, { timeout: 20000 });
  assert.ok(requested.some((u) => u.endsWith('/worker.js')), 'the sweep started its workers');
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(foreign, [], 'requests outside the page\'s origin');
  assert.deepEqual(errors, []);
  await context.close();
});
