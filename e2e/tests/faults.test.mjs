// Faults in the Web Workers: a worker that crashes mid-sweep is replaced and its cells are
// computed again (none lost, none twice: the CSV equals a fault-free run's, byte for byte); a
// worker slot that keeps failing is left out and the sweep finishes on the others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, stats, download } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const GRID = '?autoplay=0&sweep=tau:0.5:2:log:6,alpha:0.01:0.1:log:6';
const SWEEP = `${GRID}&sweep_steps=200000`;
// Three crashes and replacements must all land mid-sweep, also on a slow 2-core machine where the
// short sweep above ends in about 2 s: this one runs about 10× longer.
const LONG_SWEEP = `${GRID}&sweep_steps=2000000`;

/** Makes `worker` throw outside any handler: the page sees its `error` event, as for a crash. */
const crash = (worker) => worker.evaluate(() => { setTimeout(() => { throw new Error('fault injected by the test'); }, 0); });

const failures = async (page) => (await stats(page)).sweep.worker_failures.reduce((a, b) => a + b, 0);

async function sweepCsv(page) {
  await page.waitForFunction(() => /36 cells done/.test(document.querySelector('#sweep-status').textContent), null, { timeout: 180000 });
  return (await download(page, '#sweep-csv')).bytes.toString();
}

test('a worker that crashes mid-sweep is replaced and its cells run again, none lost or doubled', async () => {
  const clean = await open(browser, server.url, SWEEP);
  const expected = await sweepCsv(clean.page);
  await clean.context.close();

  const { page, errors, context } = await open(browser, server.url, SWEEP);
  await page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).sweep.done >= 2, null, { timeout: 60000 });
  assert.ok((await stats(page)).sweep.done < 36, 'the fault must come mid-sweep');
  await crash(page.workers()[0]);
  const csv = await sweepCsv(page);
  const st = (await stats(page)).sweep;
  assert.equal(await failures(page), 1);
  assert.ok(st.rerun >= 1, `cells run again: ${st.rerun}`);
  assert.match(st.notice, /fault injected by the test.*worker \d was replaced; its \d+ cells are computed again/);
  assert.match(await page.textContent('#sweep-error'), /was replaced/);
  assert.equal(csv, expected, 'the sweep after the fault equals the fault-free sweep');
  assert.ok(errors.every((e) => /fault injected/.test(e)), errors.join('\n'));
  await context.close();
});

test('a worker slot that keeps failing is left out and the sweep finishes on the others', async () => {
  const { page, context } = await open(browser, server.url, LONG_SWEEP);
  await page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).sweep.done >= 1, null, { timeout: 60000 });
  assert.ok(page.workers().length >= 2, 'needs two workers');
  // Crash the same slot three times: each replacement is the next worker the page creates.
  const created = [];
  page.on('worker', (w) => created.push(w));
  let target = page.workers()[0];
  for (let k = 1; k <= 3; k++) {
    const seen = created.length;
    assert.ok((await stats(page)).sweep.done < 36, `crash ${k} must come mid-sweep`);
    await crash(target);
    await page.waitForFunction((k) => JSON.parse(window.wasmBindings.playground_stats()).sweep.worker_failures.reduce((a, b) => a + b, 0) >= k, k, { timeout: 30000 });
    if (k < 3) {
      const deadline = Date.now() + 30000;
      while (created.length === seen && Date.now() < deadline) await sleep(50);
      assert.ok(created.length > seen, 'the failed worker was replaced');
      target = created[created.length - 1];
    }
  }
  const csv = await sweepCsv(page);
  assert.equal(csv.trim().split('\n').length, 37);
  const st = (await stats(page)).sweep;
  assert.equal(st.worker_failures.filter((f) => f === 3).length, 1, JSON.stringify(st.worker_failures));
  assert.equal(st.error, null);
  assert.match(st.notice, /failed 3 times and is left out; the sweep goes on with the others/);
  await context.close();
});
