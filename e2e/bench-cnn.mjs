// Browser benchmark of the paper's CNN (not a test): seconds per MNIST-10k epoch (8000 training
// images at batch 8 + the 2000-image evaluation, one thread) in headless Chromium's main thread
// against native `playground run`, per update form. Prints a Markdown table for BENCHMARKS.md.
// Run: cd e2e && npm run bench:cnn (builds the release CLI and dist/ first, as bench.mjs does).
import { execFileSync } from 'node:child_process';
import { serveDist, launch, open, loadTrainer, bestOf, nativeSecondsPerEpoch } from './helpers.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
execFileSync('cargo', ['build', '--release', '--bin', 'playground'], { cwd: ROOT, stdio: 'inherit', env });
execFileSync('trunk', ['build', '--release', '--offline'], { cwd: ROOT, stdio: 'inherit', env });
const cli = ROOT + 'target/release/playground';

const cases = [
  ['digital', 'exact', 'problem=mnist&arch=cnn&batch=8&tau=0.7&algos=digital'],
  ['analog', 'expected, per batch', 'problem=mnist&arch=cnn&batch=8&tau=0.7&algos=analog'],
  ['analog', 'pulse level, `preset=paper-cnn`', 'preset=paper-cnn&tau_max=0.7&tau_min=-0.7&algos=analog'],
];
const server = await serveDist();
const browser = await launch();
const rows = [];
const { page, context } = await open(browser, server.url, '?autoplay=0');
await loadTrainer(page);
await page.evaluate(async () => {
  const bytes = new Uint8Array(await (await fetch('mnist10k.bin.gz')).arrayBuffer());
  window.trainer.install_mnist(bytes);
});
for (const [algo, form, q] of cases) {
  // One warm-up epoch (baseline-tier wasm), then the best of 2; native alternates with it.
  await page.evaluate((q) => window.trainer.benchmark_digits(q, 1), q);
  const browserS = await bestOf(2, () => page.evaluate((q) => window.trainer.benchmark_digits(q, 1), q));
  const nativeS = await nativeSecondsPerEpoch(cli, q, 2, 1, 2);
  const row = `| ${algo} | ${form} | ${nativeS.toFixed(2)} | ${browserS.toFixed(2)} | ${(nativeS / browserS).toFixed(2)} |`;
  console.error(row);
  rows.push(row);
}
await context.close();
await browser.close();
await server.close();
console.log(`Measured ${new Date().toISOString().slice(0, 10)} with \`cd e2e && npm run bench:cnn\` (headless Debian Chromium, 2 cores).

| algorithm | update | native s/epoch | browser s/epoch | browser speed / native |
|---|---|---|---|---|
${rows.join('\n')}`);
