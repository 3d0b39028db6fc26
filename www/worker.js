// A Web Worker running the workers' wasm module (trainer.js, built from src/web/trainer.rs with
// the same core code as the page and the CLI): it trains the digits and MNIST networks and
// computes sweep cells off the main thread, so the page never janks. The page
// starts one worker per core (navigator.hardwareConcurrency). Messages are JSON strings, typed in
// src/worker_protocol.rs (ToWorker: train, pause, resume, epoch, stop, cell; FromWorker: state,
// grid, cell, progress, error): the module checks every request (check_request) and writes every
// reply, so this script only moves them and schedules the work.
// problem=mnist needs mnist10k.bin.gz (about 1.6 MB, served next to this script), and with
// data=full the four gzip'd IDX files of full MNIST in mnist-full/ (11 MB): each is fetched the
// first time a scenario asks for it, never before, with progress messages to the page. A download
// that breaks off or arrives damaged is tried once more, then reported.
import init, { Trainer, cell_message, check_request, progress_message, error_message, install_mnist, mnist_loaded, install_mnist_full, mnist_full_loaded } from "./trainer.js";

const ready = init();
// The wasm module's memory in bytes (for tests that hold the workers to their memory budget).
self.wasmMemoryBytes = async () => (await ready).memory.buffer.byteLength;
let mnist = null;
let mnistFull = null;

const wantsMnist = (query) => /(^|&)problem=mnist(&|$)/.test(query) || /(^|&)preset=paper-fcn(&|$)/.test(query);
const wantsFull = (query) => wantsMnist(query) && /(^|&)data=full(&|$)/.test(query);
const FULL_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

// Fetches `urls` in parallel, reporting the bytes so far against the sum of their sizes; a body
// shorter than its content-length is an error (a broken-off download).
async function download(urls, token, what) {
  const responses = await Promise.all(urls.map((u) => fetch(new URL(u, import.meta.url))));
  for (const r of responses) {
    if (!r.ok) throw new Error(`could not load ${what}: HTTP ${r.status} for ${new URL(r.url).pathname}${r.status === 404 ? " (this site was built without it: run ./scripts/setup.sh before building)" : ""}`);
  }
  const sizes = responses.map((r) => Number(r.headers.get("content-length")) || 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  let loaded = 0;
  return Promise.all(responses.map(async (res, k) => {
    const reader = res.body.getReader();
    const parts = [];
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      got += value.length;
      loaded += value.length;
      postMessage(progress_message(token, loaded, total));
    }
    if (sizes[k] && got !== sizes[k]) throw new Error(`${what}: ${new URL(res.url).pathname} broke off after ${got} of ${sizes[k]} bytes`);
    const bytes = new Uint8Array(got);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    return bytes;
  }));
}

// `attempt` once more if it fails (a broken-off or damaged download), then its error.
async function twice(attempt) {
  try {
    return await attempt();
  } catch (first) {
    try {
      return await attempt();
    } catch (second) {
      throw new Error(`${second.message ?? second} (tried twice)`);
    }
  }
}

// Fetches and installs full MNIST once (concurrent callers share the download).
async function ensureFull(token) {
  if (mnist_full_loaded()) return;
  if (!mnistFull) {
    mnistFull = twice(async () => {
      const files = await download(FULL_FILES.map((f) => `./mnist-full/${f}.gz`), token, "full MNIST");
      install_mnist_full(...files); // throws a message for a damaged or truncated file
    });
    mnistFull.catch(() => { mnistFull = null; });
  }
  await mnistFull;
}

// Fetches and installs the MNIST file once (concurrent callers share the download).
async function ensureData(query, token) {
  if (wantsFull(query)) return ensureFull(token);
  if (!wantsMnist(query) || mnist_loaded()) return;
  if (!mnist) {
    mnist = twice(async () => {
      const [bytes] = await download(["./mnist10k.bin.gz"], token, "the MNIST digits");
      install_mnist(bytes); // throws a message for a damaged or truncated file
    });
    // A failed download may be retried by the next scenario that asks.
    mnist.catch(() => { mnist = null; });
  }
  await mnist;
}
let trainer = null;
let token = -1;
let paused = false;
let stopAfterEpoch = false;
let looping = false;

// Train in slices of about 40 ms, posting the state after every slice, and yield to the event
// loop in between so pause/stop/new scenarios are seen at once.
async function loop() {
  if (looping) return;
  looping = true;
  try {
    while (trainer && !paused && !trainer.finished()) {
      const start = performance.now();
      let epochEnded = false;
      while (!epochEnded && performance.now() - start < 40) epochEnded = trainer.step();
      if (epochEnded && stopAfterEpoch) { paused = true; stopAfterEpoch = false; }
      postMessage(trainer.state_message(token));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    looping = false;
  }
}

self.onmessage = async (event) => {
  await ready;
  let data;
  try {
    data = JSON.parse(check_request(typeof event.data === "string" ? event.data : JSON.stringify(event.data) ?? ""));
  } catch (e) {
    postMessage(error_message(undefined, undefined, String(e)));
    return;
  }
  try {
    switch (data.type) {
      case "train":
        if (trainer) trainer.free();
        trainer = null;
        token = data.token;
        // Set before the (possibly long) data load, so pause/resume sent meanwhile still count.
        paused = !!data.paused;
        stopAfterEpoch = false;
        await ensureData(data.query, data.token);
        if (data.token !== token) break; // superseded while the data loaded
        trainer = new Trainer(data.query);
        postMessage(trainer.grid_message(token));
        postMessage(trainer.state_message(token));
        loop();
        break;
      case "pause":
        if (data.token === token) paused = true;
        break;
      case "resume":
        if (data.token === token) { paused = false; loop(); }
        break;
      case "epoch":
        if (data.token === token) { paused = false; stopAfterEpoch = true; loop(); }
        break;
      case "stop":
        if (trainer) trainer.free();
        trainer = null;
        token = -1;
        break;
      case "cell":
        await ensureData(data.query, undefined);
        postMessage(cell_message(data.id, data.query));
        break;
    }
  } catch (e) {
    postMessage(error_message(data.token, data.id, String(e)));
  }
};
