// A Web Worker with its own instance of the playground's wasm module: it trains the digits
// network and computes sweep cells off the main thread, so the page never janks. The page
// starts one worker per core (navigator.hardwareConcurrency). Messages:
//   page → worker  {type: "train", token, query} | {type: "pause", token} | {type: "resume", token}
//                  {type: "epoch", token} (one more epoch, then pause) | {type: "stop"}
//                  {type: "cell", id, query}
//   worker → page  {type: "state", token, json} | {type: "cell", id, json} | {type: "error", token|id, message}
import init, { Trainer, sweep_cell } from "./analog-playground.js";

const ready = init();
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
        token = data.token;
        trainer = new Trainer(data.query);
        paused = !!data.paused;
        stopAfterEpoch = false;
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
        break;
      case "cell":
        postMessage({ type: "cell", id: data.id, json: sweep_cell(data.query) });
        break;
    }
  } catch (e) {
    postMessage({ type: "error", token: data.token, id: data.id, message: String(e) });
  }
};
