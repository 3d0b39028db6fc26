// Browser benchmark (not a test): frame times while simulating at max speed, browser vs native
// steps/s on the same scenario, digits and MNIST-10k epochs, sweeps in Web Workers, wasm size, time to first chart. Writes the results into
// BENCHMARKS.md between the browser-bench markers. Run: cd e2e && npm run bench
// It builds what it measures first: the release CLI and dist/ (`trunk build --release --offline`,
// after scripts/setup.sh installed trunk), so it runs on a fresh clone.
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, open, stats, loadTrainer, bestOf, nativeSecondsPerEpoch, buildRelease, mnistEpochs } from './helpers.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const cli = buildRelease();
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const server = await serveDist();
const browser = await launch();
const rows = [];

// 1. Frame times while simulating the default 2-D scene (three algorithms) at max speed.
for (const [label, query] of [
  ['2-D landscape, 3 algorithms, speed=max', '?speed=max&steps=1000000000'],
  ['2-D landscape, 3 algorithms, 100,000 steps/s', '?speed=100000&steps=1000000000'],
  ['lsq D=40, 3 algorithms, speed=max', '?problem=lsq&speed=max&steps=1000000000'],
]) {
  const { page, context } = await open(browser, server.url, query);
  await sleep(1500); // warm up
  await page.evaluate(() => window.wasmBindings.playground_stats()); // (rings hold the last 240 frames)
  await sleep(4000);
  const s = await stats(page);
  rows.push(`| ${label} | ${(1000 / s.frame_interval_p50_ms).toFixed(1)} | ${s.frame_interval_p95_ms.toFixed(2)} | ${s.frame_work_p95_ms.toFixed(2)} | ${s.steps_per_second.toExponential(2)} |`);
  await context.close();
}

// 2. Raw stepping speed in the browser against the native build, same scenario.
const q = 'problem=quadratic&steps=2000000';
const { page, context, errors } = await open(browser, server.url, '?autoplay=0');
// Warm up first: the browser compiles wasm with a baseline tier and optimises hot code later.
await page.evaluate((q) => window.wasmBindings.benchmark_steps(q, 2000000), q);
let browserSps = 0;
for (let i = 0; i < 3; i++) {
  browserSps = Math.max(browserSps, await page.evaluate((q) => window.wasmBindings.benchmark_steps(q, 2000000), q));
}
const first = (await stats(page)).first_chart_ms;
await context.close();
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const t = process.hrtime.bigint();
  execFileSync(cli, ['run', q]);
  best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
}
const nativeSps = 2e6 / best;

// 3. Sweep throughput on lsq, 8 × 8 cells of 2,500 steps (3 algorithms), in the browser (Web
// Workers, one per core) and natively (`playground sweep`).
const sweepQuery = '?problem=lsq&autoplay=0&sweep=tau:0.5:10:log:8,alpha:0.001:0.1:log:8&sweep_steps=2500';
const sw = await open(browser, server.url, sweepQuery);
await sw.page.waitForFunction(() => /64 cells done/.test(document.querySelector('#sweep-status').textContent), null, { timeout: 120000 });
const browserCellsCold = (await stats(sw.page)).sweep.cells_per_second;
await sw.page.click('#sweep-start');
await sw.page.waitForFunction(() => { const s = JSON.parse(window.wasmBindings.playground_stats()).sweep; return !s.running && s.done === 64; }, null, { timeout: 120000 });
const browserCells = (await stats(sw.page)).sweep.cells_per_second;
await sw.context.close();
const nativeCells = {};
for (const threads of ['1', '2']) {
  const out = execFileSync(cli, ['sweep', 'problem=lsq&steps=2500', '--x', 'tau=0.5:10:log:8', '--y', 'alpha=0.001:0.1:log:8', '--out', '/tmp/bench-grid.csv', '--threads', threads]);
  nativeCells[threads] = JSON.parse(out).cells_per_second;
}

// 4. Digits: seconds per epoch (1437 images, one thread) in the browser against native, per
// algorithm and update form; native time is the difference of a 40- and a 10-epoch
// `playground run`, which cancels process start and data loading.
const digitsCases = [
  ['digital', 'expected', 'algos=digital'],
  ['analog', 'expected, per batch', 'algos=analog&tau=0.5'],
  ['analog', 'expected, per sample', 'algos=analog&tau=0.5&update=sample'],
  ['tt', 'expected, per batch', 'algos=tt&tau=0.5'],
  ['analog', 'pulse level (Δw_min = τ/1000, BL 31)', 'algos=analog&tau=0.5&pulses=1&dw_min=0.0005'],
  ['tt', 'pulse level (Δw_min = τ/1000, BL 31)', 'algos=tt&tau=0.5&pulses=1&dw_min=0.0005'],
];
const digitsRows = [];
{
  const { page, context } = await open(browser, server.url, '?autoplay=0');
  await loadTrainer(page);
  // Warm up every code path first: the browser compiles wasm with a baseline tier and optimises
  // hot functions later.
  for (const [, , query] of digitsCases) {
    await page.evaluate((q) => window.trainer.benchmark_digits(q, 10), 'problem=digits&' + query);
  }
  for (const [algo, form, query] of digitsCases) {
    const q = 'problem=digits&' + query;
    const browserS = await bestOf(3, () => page.evaluate((q) => window.trainer.benchmark_digits(q, 10), q));
    const nativeS = await nativeSecondsPerEpoch(cli, q, 40, 10, 3);
    digitsRows.push(`| ${algo} | ${form} | ${(nativeS * 1e3).toFixed(2)} | ${(browserS * 1e3).toFixed(2)} | ${(nativeS / browserS).toFixed(2)} |`);
  }
  await context.close();
}

// 5. Digits sweep throughput: 6 × 4 cells of 5 epochs (3 algorithms) with the page's Web Workers
// (one per core) against native `playground sweep` on all threads.
const digitsSweep = '?problem=digits&autoplay=0&epochs=5&sweep=tau:0.3:1:log:6,alpha:0.02:0.1:log:4&sweep_steps=5';
const dsw = await open(browser, server.url, digitsSweep);
await dsw.page.waitForFunction(() => /24 cells done/.test(document.querySelector('#sweep-status').textContent), null, { timeout: 300000 });
const browserDigitsCellsCold = (await stats(dsw.page)).sweep.cells_per_second;
// Again with the workers already running (their start and the wasm compile are paid once).
await dsw.page.click('#sweep-start');
await dsw.page.waitForFunction(() => { const s = JSON.parse(window.wasmBindings.playground_stats()).sweep; return !s.running && s.done === 24; }, null, { timeout: 300000 });
const browserDigitsCells = (await stats(dsw.page)).sweep.cells_per_second;
const workers = await dsw.page.evaluate(() => navigator.hardwareConcurrency);
await dsw.context.close();
const nativeDigits = JSON.parse(execFileSync(cli, ['sweep', 'problem=digits&epochs=5', '--x', 'tau=0.3:1:log:6', '--y', 'alpha=0.02:0.1:log:4', '--out', '/tmp/bench-digits.csv'])).cells_per_second;

// 5b. MNIST-10k: seconds per epoch (8000 training images + the 2000-image evaluation, one
// thread) in the browser's main thread against native `playground run` (difference of a 3- and a
// 1-epoch run, which cancels process start and data loading).
const mnistCases = [
  ['digital', 'exact', 'problem=mnist&tau=0.7&algos=digital'],
  ['analog', 'expected, per batch', 'problem=mnist&tau=0.7&algos=analog'],
  ['tt', 'expected, per batch', 'problem=mnist&tau=0.7&algos=tt'],
  ['analog', 'pulse level, `preset=paper-fcn`', 'preset=paper-fcn&algos=analog'],
  ['tt', 'pulse level, `preset=paper-fcn`', 'preset=paper-fcn&algos=tt'],
];
const mnistRows = (await mnistEpochs(browser, server.url, cli, mnistCases, [3, 1])).map(
  (r) => `| ${r.algo} | ${r.form} | ${r.nativeS.toFixed(3)} | ${r.browserS.toFixed(3)} | ${(r.nativeS / r.browserS).toFixed(2)} |`,
);

// 6. Size of the shipped wasm.
// The page's module, and the workers' module (fetched by the first worker: networks, sweeps).
const wasm = await readFile(ROOT + 'dist/analog-playground_bg.wasm');
const gz = gzipSync(wasm, { level: 9 }).length;
const trainerWasm = await readFile(ROOT + 'dist/trainer_bg.wasm');
const trainerGz = gzipSync(trainerWasm, { level: 9 }).length;

await browser.close();
await server.close();

const when = new Date().toISOString().slice(0, 10);
const block = `<!-- browser-bench:start -->
Measured ${when} with \`cd e2e && npm run bench\` (headless Debian Chromium, software rendering, 2 cores).

| scene | frames/s (median) | frame interval p95 (ms) | work per frame p95 (ms) | simulation steps/s |
|---|---|---|---|---|
${rows.join('\n')}

| measure | value |
|---|---|
| browser steps/s, \`${q}\` (3 algorithms in lockstep, no drawing) | ${browserSps.toExponential(3)} |
| native steps/s, same scenario (\`playground run\`, best of 3, incl. process start) | ${nativeSps.toExponential(3)} |
| browser / native | ${(browserSps / nativeSps).toFixed(2)} |
| wasm size raw / gzip -9, the page's module | ${(wasm.length / 1024).toFixed(0)} KiB / ${(gz / 1024).toFixed(0)} KiB |
| wasm size raw / gzip -9, the workers' module (first network run or sweep) | ${(trainerWasm.length / 1024).toFixed(0)} KiB / ${(trainerGz / 1024).toFixed(0)} KiB |
| first chart drawn after load (performance.now) | ${first.toFixed(0)} ms |
| lsq sweep cells/s, 8 × 8 cells × 2,500 steps — browser (Web Workers, live view paused): first sweep after load / again | ${browserCellsCold.toFixed(1)} / ${browserCells.toFixed(1)} |
| lsq sweep cells/s, same grid — native \`playground sweep\`, 1 thread / 2 threads | ${nativeCells['1'].toFixed(1)} / ${nativeCells['2'].toFixed(1)} |
| digits sweep cells/s, 6 × 4 cells × 5 epochs — browser, ${workers} Web Workers: first sweep after load / again | ${browserDigitsCellsCold.toFixed(2)} / ${browserDigitsCells.toFixed(2)} |
| digits sweep cells/s, same grid — native \`playground sweep\`, all threads | ${nativeDigits.toFixed(2)} |
| digits sweep browser (again) / native | ${(browserDigitsCells / nativeDigits).toFixed(2)} |

Digits, milliseconds per epoch (1437 training images + the 360-image evaluation, one thread):

| algorithm | update | native ms/epoch | browser ms/epoch | browser speed / native |
|---|---|---|---|---|
${digitsRows.join('\n')}

MNIST-10k, seconds per epoch (8000 training images + the 2000-image evaluation, one thread; the
browser on the page's main thread, wall time, so it includes whatever else the machine runs):

| algorithm | update | native s/epoch | browser s/epoch | browser speed / native |
|---|---|---|---|---|
${mnistRows.join('\n')}
<!-- browser-bench:end -->`;
console.log(block);
if (errors.length) console.error('page errors:', errors);
const md = await readFile(ROOT + 'BENCHMARKS.md', 'utf8');
await writeFile(ROOT + 'BENCHMARKS.md', md.replace(/<!-- browser-bench:start -->[\s\S]*<!-- browser-bench:end -->/, block));
