// Soak: the default scene at maximum speed, then back-to-back digits sweeps in the workers, for
// SOAK_SECONDS (60 in CI; `SOAK_SECONDS=1200 npm test -- tests/soak.test.mjs` is the documented
// 10 + 10 minutes, BENCHMARKS.md "Robustness"). Memory is sampled at the start, middle and end of
// each half: the page's JS heap and wasm memory, the workers' wasm memory. After the first half
// (warm-up), the end may exceed the middle by at most 25 % + 4 MB; frames keep coming; no page error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, stats } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const MB = (b) => (b / 1e6).toFixed(1);

async function sample(page) {
  const st = await stats(page);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  let workers = 0;
  for (const w of page.workers()) workers = Math.max(workers, await w.evaluate(() => self.wasmMemoryBytes?.() ?? 0).catch(() => 0));
  return { heap, wasm: st.wasm_memory_bytes, workers, frames: st.frames_total, step: st.step, sweeps: 0 };
}

function flat(name, samples, key) {
  const [, middle, end] = samples.map((s) => s[key]);
  assert.ok(end <= middle * 1.25 + 4e6, `${name} ${key} grew from ${MB(middle)} MB (middle) to ${MB(end)} MB (end)`);
}

test(`soak: ${SECONDS} s at maximum speed and of back-to-back digits sweeps, memory flat`, { timeout: (SECONDS + 240) * 1000 }, async () => {
  const half = (SECONDS * 1000) / 2;
  // The default scene at maximum speed with the most steps a link allows (10⁹: about 15 minutes
  // here), so the run is still going at the end of a long soak.
  const END = 1e9;
  const live = await open(browser, server.url, `?speed=max&steps=${END}`);
  const a = [];
  for (let k = 0; k < 3; k++) {
    if (k > 0) await sleep(half / 2);
    a.push(await sample(live.page));
  }
  assert.ok(a[1].frames > a[0].frames && a[2].frames > a[1].frames, `frames: ${a.map((s) => s.frames)}`);
  assert.ok((a[2].step > a[1].step || a[2].step === END) && a[1].step > a[0].step, `steps: ${a.map((s) => s.step)}`);
  flat('live view', a, 'heap');
  flat('live view', a, 'wasm');
  assert.deepEqual(live.errors, []);
  await live.context.close();

  // Back-to-back digits sweeps in the workers (3 × 3 cells of one epoch each).
  const sweeps = await open(browser, server.url, '?scene=digits&autoplay=0&sweep=tau:0.3:1:log:3,alpha:0.05:0.2:log:3&sweep_steps=1');
  const b = [];
  let runs = 0;
  const t0 = Date.now();
  for (let k = 0; k < 3; k++) {
    while (Date.now() - t0 < (k * half) / 2) {
      await sweeps.page.waitForFunction(() => !JSON.parse(window.wasmBindings.playground_stats()).sweep.running, null, { timeout: 120000 });
      runs++;
      await sweeps.page.click('#sweep-start');
      await sweeps.page.waitForFunction(() => JSON.parse(window.wasmBindings.playground_stats()).sweep.running, null, { timeout: 10000 }).catch(() => {});
    }
    b.push({ ...(await sample(sweeps.page)), sweeps: runs });
  }
  assert.ok(b[2].sweeps > b[1].sweeps, `sweeps finished: ${b.map((s) => s.sweeps)}`);
  assert.ok(b[2].frames > b[1].frames, 'frames keep coming during the sweeps');
  flat('sweeps', b, 'heap');
  flat('sweeps', b, 'workers');
  assert.equal((await stats(sweeps.page)).sweep.error, null);
  assert.deepEqual(sweeps.errors, []);
  await sweeps.context.close();
  const row = (name, s) => `${name}: ${s.map((x) => `heap ${MB(x.heap)} MB, page wasm ${MB(x.wasm)} MB, workers' wasm ${MB(x.workers)} MB, frames ${x.frames}, steps ${x.step}, sweeps ${x.sweeps}`).join(' | ')}`;
  console.log(row('live (start, middle, end)', a));
  console.log(row('sweeps (start, middle, end)', b));
});
