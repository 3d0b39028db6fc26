// Browser benchmark of the paper's CNN (not a test): seconds per MNIST-10k epoch (8000 training
// images at batch 8 + the 2000-image evaluation, one thread) in headless Chromium's main thread
// against native `playground run`, per update form. Prints a Markdown table for BENCHMARKS.md.
// Run: cd e2e && npm run bench:cnn (builds the release CLI and dist/ first, as bench.mjs does).
import { serveDist, launch, buildRelease, mnistEpochs } from './helpers.mjs';

const cli = buildRelease();
const cases = [
  ['digital', 'exact', 'problem=mnist&arch=cnn&batch=8&tau=0.7&algos=digital'],
  ['analog', 'expected, per batch', 'problem=mnist&arch=cnn&batch=8&tau=0.7&algos=analog'],
  ['analog', 'pulse level, `preset=paper-cnn`', 'preset=paper-cnn&tau_max=0.7&tau_min=-0.7&algos=analog'],
];
const server = await serveDist();
const browser = await launch();
const rows = (await mnistEpochs(browser, server.url, cli, cases, [2, 1])).map(
  (r) => `| ${r.algo} | ${r.form} | ${r.nativeS.toFixed(2)} | ${r.browserS.toFixed(2)} | ${(r.nativeS / r.browserS).toFixed(2)} |`,
);
await browser.close();
await server.close();
console.log(`Measured ${new Date().toISOString().slice(0, 10)} with \`cd e2e && npm run bench:cnn\` (headless Debian Chromium, 2 cores).

| algorithm | update | native s/epoch | browser s/epoch | browser speed / native |
|---|---|---|---|---|
${rows.join('\n')}`);
