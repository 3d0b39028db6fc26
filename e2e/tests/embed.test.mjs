// Embeds (embed=1) fit their frame without scrolling and show the panels `panel=` asks for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, stepCount, screenshot } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Opens `query` in a frame of `width`×`height` and lets the figures draw. */
async function frame(query, width, height) {
  const o = await open(browser, server.url, query, { viewport: { width, height } });
  await sleep(1200);
  return o;
}

/** The document's size against the viewport's. */
const extent = (page) => page.evaluate(() => ({
  height: document.documentElement.scrollHeight, innerHeight,
  width: document.documentElement.scrollWidth, innerWidth,
}));

/** A canvas's CSS box, and how many distinct colours it holds (a drawn figure has many). */
const canvas = (page, id) => page.$eval(`#${id}`, (c) => {
  const r = c.getBoundingClientRect();
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  for (let i = 0; i < data.length && colours.size < 50; i += 4 * 97) colours.add(data.slice(i, i + 4).join());
  return { width: r.width, height: r.height, top: r.top, bottom: r.bottom, colours: colours.size };
});

async function assertFits(page, label) {
  const e = await extent(page);
  assert.ok(e.height <= e.innerHeight + 1, `${label}: the document is ${e.height} px tall in a ${e.innerHeight} px frame`);
  assert.ok(e.width <= e.innerWidth + 1, `${label}: the document is ${e.width} px wide in a ${e.innerWidth} px frame`);
  const play = await page.$eval('#play', (b) => b.getBoundingClientRect().bottom);
  assert.ok(play <= e.innerHeight, `${label}: the play button is below the frame`);
  return e;
}

async function assertFigure(page, id, minWidth, minHeight, label) {
  const c = await canvas(page, id);
  assert.ok(c.width >= minWidth && c.height >= minHeight,
    `${label}: #${id} is ${Math.round(c.width)}×${Math.round(c.height)}, expected at least ${minWidth}×${minHeight}`);
  const { innerHeight } = await extent(page);
  assert.ok(c.top >= 0 && c.bottom <= innerHeight + 1, `${label}: #${id} (${c.top}–${c.bottom}) is not inside the frame`);
  assert.ok(c.colours >= 3, `${label}: #${id} looks blank (${c.colours} colours)`);
}

test('embed=1 at the README\'s 760×700 shows the landscape beside the loss and the distance, the device inset and the readouts without scrolling', async () => {
  const { page, errors, context } = await frame('?embed=1', 760, 700);
  await assertFits(page, '760×700');
  for (const id of ['landscape-static', 'landscape-dynamic']) await assertFigure(page, id, 300, 250, '760×700');
  for (const id of ['loss-static', 'loss-dynamic', 'distance-static', 'distance-dynamic']) {
    await assertFigure(page, id, 300, 120, '760×700');
  }
  await assertFigure(page, 'device-static', 200, 120, '760×700');
  assert.equal(await page.isVisible('#panel-readouts'), true);
  assert.equal(await page.isVisible('#controls'), false);
  assert.equal(await page.isVisible('#sweep-panel'), false);
  await screenshot(page, 'embed-760x700');
  assert.deepEqual(errors, []);
  await context.close();
});

test('embed=1 at 400×600 shows the landscape over the distance panel without scrolling', async () => {
  const { page, errors, context } = await frame('?embed=1', 400, 600);
  await assertFits(page, '400×600');
  await assertFigure(page, 'landscape-static', 300, 180, '400×600');
  await assertFigure(page, 'distance-static', 300, 110, '400×600');
  assert.equal(await page.isVisible('#open-full'), true);
  await screenshot(page, 'embed-400x600');
  assert.deepEqual(errors, []);
  await context.close();
});

test('embed=1&scene=digits at 760×700 shows the digits charts without scrolling', async () => {
  const { page, errors, context } = await frame('?embed=1&scene=digits', 760, 700);
  await page.waitForFunction(() => Number(document.getElementById('digits-status').dataset.epoch) >= 3, null, { timeout: 30000 });
  await sleep(500);
  await assertFits(page, 'digits 760×700');
  await assertFigure(page, 'digits-accuracy', 300, 200, 'digits 760×700');
  await assertFigure(page, 'digits-loss', 200, 150, 'digits 760×700');
  await assertFigure(page, 'digits-hist', 500, 150, 'digits 760×700');
  await screenshot(page, 'embed-digits-760x700');
  const narrow = await frame('?embed=1&scene=digits', 400, 600);
  await assertFits(narrow.page, 'digits 400×600');
  await assertFigure(narrow.page, 'digits-accuracy', 300, 150, 'digits 400×600');
  await screenshot(narrow.page, 'embed-digits-400x600');
  assert.deepEqual([...errors, ...narrow.errors], []);
  await narrow.context.close();
  await context.close();
});

test('panel= picks the panels; the permalink keeps it', async () => {
  const { page, errors, context } = await frame('?embed=1&panel=loss', 760, 700);
  assert.equal(await page.isVisible('#panel-loss'), true);
  for (const id of ['panel-landscape', 'panel-weights', 'panel-device', 'panel-readouts', 'panel-digits']) {
    assert.equal(await page.isVisible(`#${id}`), false, `#${id} should not show with panel=loss`);
  }
  assert.equal(await page.isVisible('#notice'), false);
  await assertFits(page, 'panel=loss');
  await assertFigure(page, 'loss-static', 600, 400, 'panel=loss'); // one panel takes the whole frame
  await screenshot(page, 'embed-panel-loss');

  const two = await frame('?embed=1&panel=landscape,loss', 760, 700);
  assert.equal(await two.page.isVisible('#panel-landscape'), true);
  assert.equal(await two.page.isVisible('#panel-loss'), true);
  assert.equal(await two.page.isVisible('#panel-device'), false);
  assert.equal(await two.page.isVisible('#panel-readouts'), false);
  await assertFits(two.page, 'panel=landscape,loss');
  await assertFigure(two.page, 'landscape-static', 300, 400, 'panel=landscape,loss');
  // Moving w* rewrites the link; it keeps the embed and its panels.
  await two.page.focus('#landscape-dynamic');
  await two.page.keyboard.press('ArrowUp');
  await two.page.waitForFunction(() => location.search.includes('wstar='), null, { timeout: 5000 });
  const q = new URL(two.page.url()).searchParams;
  assert.equal(q.get('embed'), '1');
  assert.equal(q.get('panel'), 'landscape,loss');

  const digits = await frame('?embed=1&scene=digits&panel=digits', 760, 700);
  assert.equal(await digits.page.isVisible('#panel-digits'), true);
  assert.equal(await digits.page.isVisible('#panel-device'), false);
  await assertFits(digits.page, 'panel=digits');

  const device = await frame('?embed=1&panel=device', 400, 600);
  assert.equal(await device.page.isVisible('#panel-device'), true);
  assert.equal(await device.page.isVisible('#panel-landscape'), false);
  assert.equal(await device.page.isVisible('.legend'), false, 'the curves\' legend has nothing to explain here');
  await assertFits(device.page, 'panel=device 400×600');
  await assertFigure(device.page, 'device-static', 300, 250, 'panel=device 400×600');

  assert.deepEqual([...errors, ...two.errors, ...digits.errors, ...device.errors], []);
  for (const o of [two, digits, device]) await o.context.close();
  await context.close();
});

test('a bad panel= shows a notice and the embed still fits and draws', async () => {
  const { page, errors, context } = await frame('?embed=1&panel=nope', 760, 700);
  assert.equal(await page.isVisible('#notice'), true);
  assert.match(await page.textContent('#notice-list'), /panel=nope: unknown panel/);
  assert.equal(await page.isVisible('#panel-landscape'), true);
  assert.equal(await page.isVisible('#panel-loss'), true);
  await assertFits(page, 'panel=nope');
  await assertFigure(page, 'landscape-static', 250, 150, 'panel=nope');
  const s0 = await stepCount(page);
  await sleep(500);
  assert.ok((await stepCount(page)) > s0, 'the simulation runs');
  await screenshot(page, 'embed-panel-nope');

  // A panel this problem does not draw: a notice, and the problem's panels instead of an empty frame.
  const other = await frame('?embed=1&scene=digits&panel=landscape', 760, 700);
  assert.match(await other.page.textContent('#notice-list'), /panel=landscape: not drawn for this problem/);
  assert.equal(await other.page.isVisible('#panel-digits'), true);
  await assertFits(other.page, 'digits&panel=landscape');

  // Outside an embed panel= does nothing, and says so.
  const full = await open(browser, server.url, '?panel=loss');
  assert.match(await full.page.textContent('#notice-list'), /panel=loss: applies only with embed=1/);
  assert.equal(await full.page.isVisible('#panel-landscape'), true);

  assert.deepEqual([...errors, ...other.errors, ...full.errors], []);
  for (const o of [other, full]) await o.context.close();
  await context.close();
});

/** Whether the caption is wholly on screen and shows all of its text (nothing clipped). */
const captionFits = (page) => page.$eval('#caption', (c) => {
  const r = c.getBoundingClientRect();
  const shown = [...c.children].find((s) => getComputedStyle(s).display !== 'none');
  return { top: r.top, bottom: r.bottom, innerHeight, overflow: c.scrollHeight - c.clientHeight,
    clamp: getComputedStyle(c).webkitLineClamp, text: shown?.textContent ?? '' };
});

test('every scene\'s embedded caption is whole at 400×600 and 760×460: the result, in one line when small', async () => {
  const ids = ['stall', 'tiki-taka', 'symmetric', 'no-noise', 'slow-transfer', 'sp-off-zero', 'sp-off-zero-recovers', 'lsq',
    'fig3-pulses', 'lower-bound', 'digits', 'digits-forms', 'paper-mnist', 'mnist-no-scaling', 'paper-cnn'];
  for (const [width, height] of [[400, 600], [760, 460]]) {
    for (const id of ids) {
      const { page, errors, context } = await open(browser, server.url, `?embed=1&scene=${id}`, { viewport: { width, height } });
      await page.waitForSelector('body[data-ready]', { timeout: 20000 });
      await sleep(300);
      const c = await captionFits(page);
      const where = `${id} at ${width}×${height}`;
      assert.ok(c.top >= 0 && c.bottom <= c.innerHeight, `${where}: caption at ${c.top}–${c.bottom}`);
      assert.ok(c.overflow <= 1, `${where}: caption overflows by ${c.overflow} px`);
      assert.ok(c.clamp === 'none' || c.clamp === '' || c.clamp === undefined, `${where}: caption clamped`);
      assert.ok(c.text.length > 20 && !/…/.test(c.text), `${where}: caption "${c.text}"`);
      assert.deepEqual(errors, [], where);
      await context.close();
    }
  }
});

/** The caption's shown text, how many lines it takes and its More button (null when hidden). */
const captionShown = (page) => page.$eval('#caption', (c) => {
  const shown = [...c.querySelectorAll('.caption-full, .caption-short')].filter((s) => getComputedStyle(s).display !== 'none');
  const tops = new Set(shown.flatMap((s) => [...s.getClientRects()].map((r) => Math.round(r.top / 4))));
  const more = c.querySelector('.caption-more');
  return { which: shown.map((s) => s.className).join(), text: shown.map((s) => s.textContent).join(''), lines: tops.size,
    more: getComputedStyle(more).display === 'none' ? null : more.textContent, expanded: more.getAttribute('aria-expanded') };
});

test('a caption longer than three lines shows its result and a More that opens the whole text (phone, projector, embed); a short one shows whole', async () => {
  const frames = [['?scene=paper-mnist', 390, 844], ['?scene=paper-mnist', 1280, 720], ['?embed=1&scene=paper-cnn', 760, 700], ['?scene=digits', 760, 700]];
  for (const [query, width, height] of frames) {
    const where = `${query} at ${width}×${height}`;
    const { page, errors, context } = await open(browser, server.url, query, { viewport: { width, height } });
    await page.waitForSelector('body[data-ready]', { timeout: 20000 });
    await sleep(300);
    let c = await captionShown(page);
    assert.equal(c.which, 'caption-short', `${where}: ${JSON.stringify(c)}`);
    assert.ok(c.lines <= 3 && c.text.length > 20 && !/…/.test(c.text), `${where}: ${JSON.stringify(c)}`);
    assert.deepEqual([c.more, c.expanded], ['More', 'false'], where);
    await page.click('#caption .caption-more');
    c = await captionShown(page);
    assert.equal(c.which, 'caption-full', where);
    assert.ok(c.lines > 3, `${where}: the whole text in ${c.lines} lines`);
    assert.deepEqual([c.more, c.expanded], ['Less', 'true'], where);
    // A resize measures again and keeps it open; Less closes it.
    await page.setViewportSize({ width: width - 20, height });
    await sleep(200);
    assert.equal((await captionShown(page)).which, 'caption-full', `${where}, resized`);
    await page.click('#caption .caption-more');
    assert.equal((await captionShown(page)).which, 'caption-short', `${where}, closed`);
    if (width === 390) await screenshot(page, 'caption-more-390x844');
    assert.deepEqual(errors, [], where);
    await context.close();
  }
  // A caption of at most three lines is shown whole, without a button.
  const { page, errors, context } = await open(browser, server.url, '?scene=stall', { viewport: { width: 1280, height: 720 } });
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  const c = await captionShown(page);
  assert.deepEqual([c.which, c.more], ['caption-full', null], JSON.stringify(c));
  assert.deepEqual(errors, []);
  await context.close();
});

test('panel=landscape,loss at 760×460 keeps both charts at least 160 px tall; a shorter frame shows the first with a notice', async () => {
  let { page, errors, context } = await frame('?embed=1&panel=landscape,loss', 760, 460);
  for (const id of ['landscape-static', 'loss-static']) {
    const box = await page.$eval(`#${id}`, (c) => c.getBoundingClientRect().height);
    assert.ok(box >= 160, `${id}: ${box} px tall`);
  }
  assert.equal(await page.isVisible('#notice'), false);
  // Titles wrap instead of being cut with an ellipsis.
  const title = await page.$eval('#loss-title', (t) => ({ overflow: getComputedStyle(t).textOverflow, w: t.scrollWidth - t.clientWidth }));
  assert.notEqual(title.overflow, 'ellipsis');
  assert.ok(title.w <= 1, 'the loss title fits its width');
  await screenshot(page, 'embed-landscape-loss-760x460');
  assert.deepEqual(errors, []);
  await context.close();
  ({ page, errors, context } = await frame('?embed=1&panel=landscape,loss,distance', 760, 300));
  assert.match(await page.textContent('#notice-list'), /too short for 3 charts of at least 160 px; showing landscape/);
  assert.equal(await page.isVisible('#panel-loss'), false);
  assert.equal(await page.isVisible('#panel-landscape'), true);
  assert.deepEqual(errors, []);
  await context.close();
});
