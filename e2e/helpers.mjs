// Shared set-up for the end-to-end tests: serve dist/ on 127.0.0.1 and drive Debian's Chromium.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const DIST = process.env.E2E_DIST ?? new URL('../dist/', import.meta.url).pathname;
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves dist/ on an ephemeral port; resolves to { url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    try {
      const body = await readFile(join(DIST, path === '' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? (path === '' ? 'text/html' : 'application/octet-stream') });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-quic', '--disable-sync'], // Playwright gives each launch a fresh profile
  });
}

/** Opens a page at `query`, collecting console errors and page errors into `errors`. */
export async function open(browser, base, query = '', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + query);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  return { page, errors, context };
}

/** Loads the workers' wasm module (trainer.js) into the page as `window.trainer`, for tests and
 * benchmarks that call its exports directly; the app itself only loads it in its workers. */
export async function loadTrainer(page) {
  await page.evaluate(async () => {
    const trainer = await import('./trainer.js');
    await trainer.default();
    window.trainer = trainer;
  });
}

export async function stepCount(page) {
  return Number(await page.getAttribute('#step-count', 'data-step'));
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export async function stats(page) {
  return JSON.parse(await page.evaluate(() => window.wasmBindings.playground_stats()));
}

const ROOT = new URL('../', import.meta.url).pathname;

/** The native CLI: `cargo test` builds it in target/debug (CI runs that first); else build it. */
export function cli() {
  for (const p of ['target/debug/playground', 'target/release/playground']) if (existsSync(join(ROOT, p))) return join(ROOT, p);
  execFileSync('cargo', ['build', '--quiet', '--bin', 'playground'], { cwd: ROOT, stdio: 'inherit' });
  return join(ROOT, 'target/debug/playground');
}

/** Clicks a button and returns the downloaded file's name and bytes. */
export async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}

/** The smallest of `n` results of the (async) measurement `f`. */
export const bestOf = async (n, f) => {
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, await f());
  return best;
};
/** Native seconds per epoch of `q`: the difference of an `a`- and a `b`-epoch run of the CLI at
 * `bin` (best of `n` each), which cancels process start and data loading. */
export const nativeSecondsPerEpoch = async (bin, q, a, b, n) => {
  const time = (epochs) => bestOf(n, () => {
    const t = process.hrtime.bigint();
    execFileSync(bin, ['run', `${q}&epochs=${epochs}`]);
    return Number(process.hrtime.bigint() - t) / 1e9;
  });
  return ((await time(a)) - (await time(b))) / (a - b);
};

/** Builds what the benchmarks measure: the release CLI and dist/ (`trunk build --release
 * --offline`); returns the CLI's path. */
export function buildRelease() {
  const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  execFileSync('cargo', ['build', '--release', '--bin', 'playground'], { cwd: ROOT, stdio: 'inherit', env });
  execFileSync('trunk', ['build', '--release', '--offline'], { cwd: ROOT, stdio: 'inherit', env });
  return join(ROOT, 'target/release/playground');
}

/** MNIST-10k seconds per epoch (8000 training images + the 2000-image evaluation, one thread) of
 * each case [algorithm, form, query]: in the browser's main thread (one warm-up epoch for the
 * baseline-tier wasm, then the best of 2) and natively (the difference of an `a`- and a
 * `b`-epoch `playground run`, best of 2, alternating with the browser). */
export async function mnistEpochs(browser, url, bin, cases, [a, b]) {
  const { page, context } = await open(browser, url, '?autoplay=0');
  await loadTrainer(page);
  await page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch('mnist10k.bin.gz')).arrayBuffer());
    window.trainer.install_mnist(bytes);
  });
  const rows = [];
  for (const [algo, form, q] of cases) {
    const epoch = () => page.evaluate((q) => window.trainer.benchmark_digits(q, 1), q);
    await epoch();
    const browserS = await bestOf(2, epoch);
    const nativeS = await nativeSecondsPerEpoch(bin, q, a, b, 2);
    rows.push({ algo, form, nativeS, browserS });
  }
  await context.close();
  return rows;
}
