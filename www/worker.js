// A Web Worker running the workers' wasm module (trainer.js, built from src/web/trainer.rs with
// the same core code as the page and the CLI): it trains the digits and MNIST networks and
// computes sweep cells off the main thread, so the page never janks. The page
// starts one worker per core (navigator.hardwareConcurrency). Messages:
//   page → worker  {type: "train", token, query} | {type: "pause", token} | {type: "resume", token}
//                  {type: "epoch", token} (one more epoch, then pause) | {type: "stop"}
//                  {type: "cell", id, query}
//   worker → page  {type: "state", token, json} | {type: "grid", token, json} | {type: "cell", id, json}
//                  {type: "progress", token, loaded, total} | {type: "error", token|id, message}
// problem=mnist needs mnist10k.bin.gz (about 1.6 MB, served next to this script): it is fetched
// the first time a scenario asks for it, never before, with progress messages to the page.
import init, { Trainer, sweep_cell, install_mnist, mnist_loaded } from "./trainer.js";

const ready = init();
let mnist = null;

const wantsMnist = (query) => /(^|&)problem=mnist(&|$)/.test(query);

// Fetches and installs the MNIST file once (concurrent callers share the download).
async function ensureData(query, token) {
  if (!wantsMnist(query) || mnist_loaded()) return;
  if (!mnist) {
    mnist = (async () => {
      const res = await fetch(new URL("./mnist10k.bin.gz", import.meta.url));
      if (!res.ok) throw new Error(`could not load the MNIST digits: HTTP ${res.status}`);
      const total = Number(res.headers.get("content-length")) || 0;
      const reader = res.body.getReader();
      const parts = [];
      let loaded = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        loaded += value.length;
        postMessage({ type: "progress", token, loaded, total });
      }
      const bytes = new Uint8Array(loaded);
      let at = 0;
      for (const p of parts) { bytes.set(p, at); at += p.length; }
      install_mnist(bytes); // throws a message for a damaged or truncated file
    })();
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
      postMessage({ type: "state", token, json: trainer.snapshot() });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    looping = false;
  }
}

self.onmessage = async ({ data }) => {
  await ready;
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
        postMessage({ type: "grid", token, json: trainer.grid() });
        postMessage({ type: "state", token, json: trainer.snapshot() });
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
        postMessage({ type: "cell", id: data.id, json: sweep_cell(data.query) });
        break;
    }
  } catch (e) {
    postMessage({ type: "error", token: data.token, id: data.id, message: String(e) });
  }
};
