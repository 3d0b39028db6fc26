// The host API: a page on one origin (www/host-example.html) drives a playground embedded from
// another origin with postMessage, and reads back its state; bad messages get an error back and
// break nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch } from '../helpers.mjs';

// Two servers of the same dist/: two ports, two origins.
let host, embed, browser;
before(async () => { [host, embed] = await Promise.all([serveDist(), serveDist()]); browser = await launch(); });
after(async () => { await browser?.close(); await host?.close(); await embed?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const EMBED = () => `${embed.url}?embed=1&scene=stall`;

/** Opens the example page on the host's origin around the embed `src`; records every message it
 * receives in `window.received`, and waits for the embed's greeting. */
async function openExample(src = EMBED()) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    if (window !== window.top) return;
    window.received = [];
    addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data }));
  });
  await page.goto(`${host.url}host-example.html?src=${encodeURIComponent(src)}`);
  await next(page, 0, (m) => m.type === 'ready', 'the embed\'s ready');
  await page.frameLocator('#embed').locator('body[data-ready="1"]').waitFor({ timeout: 15000 });
  return { page, errors, context };
}

const count = (page) => page.evaluate(() => window.received.length);

/** The first `k` messages received after the first `since` that satisfy `pred`. */
async function collect(page, since, pred, k, what, timeout = 10000) {
  const t0 = Date.now();
  for (;;) {
    const got = (await page.evaluate((n) => window.received.slice(n), since)).map((m) => m.data);
    const hits = got.filter((m) => m && pred(m));
    if (hits.length >= k) return hits.slice(0, k);
    if (Date.now() - t0 > timeout) assert.fail(`no ${what} within ${timeout} ms; got ${JSON.stringify(got).slice(0, 500)}`);
    await sleep(50);
  }
}

const next = async (page, since, pred, what, timeout) => (await collect(page, since, pred, 1, what, timeout))[0];

/** Clicks a button of the example page and returns the first state that satisfies `pred`. */
async function click(page, selector, pred, what) {
  const n = await count(page);
  await page.click(selector);
  return next(page, n, (m) => m.type === 'state' && pred(m), what);
}

/** Posts `messages` to the embed from the host page, as a host script would. */
const post = (page, messages) => page.evaluate((ms) => {
  for (const m of ms) document.getElementById('embed').contentWindow.postMessage(m, '*');
}, messages);

const embedFrame = (page) => page.frames().find((f) => f.url().startsWith(embed.url));

test('a page on another origin sets the scenario, steps, plays and pauses the embed and reads its state', async () => {
  const { page, errors, context } = await openExample();
  assert.notEqual(new URL(host.url).origin, new URL(embed.url).origin);
  const origins = await page.evaluate(() => [...new Set(window.received.map((m) => m.origin))]);
  assert.deepEqual(origins, [new URL(embed.url).origin], 'only the embed speaks, from its own origin');

  const set = await click(page, 'button[data-query="tau=0.5"]', (m) => m.query.includes('tau=0.5'), 'state with tau=0.5');
  assert.equal(set.problem, 'quadratic');
  assert.deepEqual(set.readouts.map((r) => r.name), ['digital', 'analog', 'tt']);
  for (const r of set.readouts) {
    for (const k of ['loss', 'avg_loss', 'dist']) assert.ok(r[k] === null || Number.isFinite(r[k]), `${r.name}.${k} = ${r[k]}`);
  }
  assert.match(await page.textContent('#state'), /tau=0\.5/);
  // The embed runs the new scenario, as a link would: its own link says so.
  await embedFrame(page).waitForFunction(() => location.search.includes('tau=0.5'), null, { timeout: 5000 });

  const paused = await click(page, 'button[data-send="pause"]', (m) => !m.playing, 'a paused state');
  const stepped = await click(page, 'button[data-send="step"]', (m) => m.step !== paused.step, 'a stepped state');
  assert.equal(stepped.step, paused.step + 1);
  assert.equal(stepped.playing, false);
  assert.equal(Number(await page.frameLocator('#embed').locator('#step-count').getAttribute('data-step')), stepped.step);
  const readouts = stepped.readouts.filter((r) => r.dist !== null);
  assert.equal(readouts.length, 3, 'after a step every track has ‖W̄−w*‖');

  const playing = await click(page, 'button[data-send="play"]', (m) => m.playing, 'a playing state');
  // While it plays the loop keeps the host posted, a few times a second.
  const n = await count(page);
  const later = await next(page, n, (m) => m.type === 'state' && m.step > playing.step, 'a state from the loop', 3000);
  assert.equal(later.playing, true);
  const stopped = await click(page, 'button[data-send="pause"]', (m) => !m.playing, 'a paused state');
  await sleep(700);
  const states = (await page.evaluate(() => window.received.map((m) => m.data))).filter((m) => m.type === 'state');
  assert.equal(states.at(-1).step, stopped.step, 'a paused embed stays put');
  assert.equal(await page.textContent('#errors'), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('malformed messages get an error back; the embed keeps working', async () => {
  const { page, errors, context } = await openExample();
  let n = await count(page);
  await post(page, [{ type: 'nonsense' }, 42, { type: 'set', query: 42 }, null, ['play']]);
  const got = (await collect(page, n, (m) => m.type === 'error', 5, 'five errors')).map((e) => e.message);
  assert.match(got[0], /unknown type 'nonsense'/);
  assert.match(got[1], /got a value of type number/);
  assert.match(got[2], /set: `query` must be a string/);
  assert.match(got[3], /got null/);
  assert.match(got[4], /no string `type`/);
  assert.match(await page.textContent('#errors'), /error: /);
  assert.equal(await page.frameLocator('#embed').locator('#notice').isVisible(), false, 'errors go to the host, not the reader');

  // Messages from any window but the parent are ignored, without a reply.
  n = await count(page);
  await embedFrame(page).evaluate(() => window.postMessage({ type: 'nonsense' }, '*'));
  await sleep(300);
  assert.equal(await count(page), n);

  // A bad value in a query is a link's notice: clamped or reset, told to the host and shown.
  n = await count(page);
  await post(page, [{ type: 'set', query: 'tau=abc&speed=9' }]);
  const notice = await next(page, n, (m) => m.type === 'notice', 'a notice');
  assert.ok(notice.messages.some((s) => /tau/.test(s)), notice.messages.join(' | '));
  assert.ok(notice.messages.some((s) => /speed/.test(s)), notice.messages.join(' | '));
  assert.equal(await page.frameLocator('#embed').locator('#notice').isVisible(), true);

  // Still alive: Step steps (and pauses: states from the playing loop do not count).
  const a = await click(page, 'button[data-send="step"]', (m) => !m.playing, 'a state after Step');
  const b = await click(page, 'button[data-send="step"]', (m) => m.step !== a.step, 'a state after a second Step');
  assert.equal(b.step, a.step + 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('scrolling the example page sets the figure of the section in view; a network reports epochs and accuracies', async () => {
  const { page, errors, context } = await openExample();
  const n = await count(page);
  await page.evaluate(() => document.getElementById('s-tau-5').scrollIntoView({ block: 'center' }));
  const s = await next(page, n, (m) => m.type === 'state' && m.query.includes('tau=5'), 'state with tau=5');
  assert.equal(s.playing, true);
  assert.equal(await page.getAttribute('#s-tau-5', 'class'), 'active');

  const m = await count(page);
  await post(page, [{ type: 'set', query: 'scene=digits' }]);
  const first = await next(page, m, (x) => x.type === 'state' && x.problem === 'digits', 'a digits state');
  assert.ok(first.steps > 0 && first.epoch === first.step, JSON.stringify(first));
  const trained = await next(page, m, (x) => x.type === 'state' && x.epoch >= 1 && x.readouts.length > 0,
    'a state after an epoch', 30000);
  for (const r of trained.readouts) assert.ok(r.accuracy > 0 && r.accuracy <= 100, `${r.name}: ${r.accuracy} %`);
  assert.match(await page.textContent('#state'), /epoch \d+ \/ \d+/);
  assert.deepEqual(errors, []);
  await context.close();
});
