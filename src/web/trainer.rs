//! The Web Workers' module (the `trainer` binary, wasm only; Trunk builds it apart from the
//! page's module, see www/index.html, and `www/worker.js` loads it): training the digits and MNIST
//! networks and computing sweep cells, with the same core code as the native CLI, so the numbers
//! are the CLI's. The page's module carries none of this code.

#[cfg(target_arch = "wasm32")]
mod exports {
    use analog_playground::figures::digits::GridImages;
    use analog_playground::sim::network::{dataset_of, grid_indices, mnist, DigitsSnapshot, NetEnsemble, NetRun};
    use analog_playground::sim::scenario::Scenario;
    use analog_playground::sim::sweep::run_outcome;
    use analog_playground::sim::Experiment;
    use analog_playground::worker_protocol::{FromWorker, ToWorker};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `performance.now()` of whichever global runs the module (a worker or the page).
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
    }

    /// A digits training run living in a worker.
    #[wasm_bindgen]
    pub struct Trainer {
        experiment: Experiment,
    }

    impl Trainer {
        /// The network's ensemble (the constructor accepts only the networks).
        fn ens(&self) -> &NetEnsemble {
            self.experiment.epoched().expect("the trainer holds a network scenario")
        }
    }

    #[wasm_bindgen]
    impl Trainer {
        /// Parses `query` strictly (the page sends canonical scenarios) and prepares every seed's
        /// run.
        #[wasm_bindgen(constructor)]
        pub fn new(query: &str) -> Result<Trainer, JsValue> {
            let s = Scenario::parse(query).map_err(|e| JsValue::from_str(&e.to_string()))?;
            if !s.problem.is_network() {
                return Err(JsValue::from_str("the trainer runs problem=digits and problem=mnist only"));
            }
            if let Err(e) = dataset_of(&s).get() {
                return Err(JsValue::from_str(&e.to_string()));
            }
            Ok(Trainer { experiment: Experiment::new(&s) })
        }

        /// One mini-batch of every seed's run; true when an epoch ended (or the run is finished).
        pub fn step(&mut self) -> bool {
            let before = self.ens().first().epoch;
            self.experiment.advance(1);
            self.ens().first().epoch != before || self.experiment.finished()
        }

        pub fn finished(&self) -> bool {
            self.experiment.finished()
        }

        /// The [`GridImages`] (the test images of the prediction grid; the page never holds the
        /// data sets) as the message for run `token`, sent once per run.
        pub fn grid_message(&self, token: u32) -> String {
            let data = self.ens().first().data;
            let at = grid_indices(data);
            let grid = GridImages {
                side: data.dataset.side(),
                max_level: data.dataset.max_level(),
                images: at.iter().map(|&i| data.test.image_levels(i).to_vec()).collect(),
                labels: at.iter().map(|&i| data.test.labels[i]).collect(),
            };
            FromWorker::Grid { token, grid }.to_json()
        }

        /// The run's [`DigitsSnapshot`] as the message for run `token`.
        pub fn state_message(&self, token: u32) -> String {
            FromWorker::State { token, snapshot: DigitsSnapshot::of(self.ens()) }.to_json()
        }
    }

    /// Checks a message from the page ([`ToWorker`], as JSON) and returns it in its canonical
    /// JSON form for `worker.js` to act on; a malformed one is an error naming what is wrong.
    #[wasm_bindgen]
    pub fn check_request(text: &str) -> Result<String, JsValue> {
        ToWorker::from_json(text).map(|m| m.to_json()).map_err(|e| JsValue::from_str(&e))
    }

    /// The message reporting a download's progress for run `token`.
    #[wasm_bindgen]
    pub fn progress_message(token: Option<u32>, loaded: f64, total: f64) -> String {
        FromWorker::Progress { token, loaded, total }.to_json()
    }

    /// The message reporting a failure of run `token` or cell `id` (neither: of the worker).
    #[wasm_bindgen]
    pub fn error_message(token: Option<u32>, id: Option<u32>, message: &str) -> String {
        FromWorker::error(token, id, message).to_json()
    }

    /// Installs the MNIST file the worker fetched (`mnist10k.bin.gz`); a damaged or truncated
    /// file is an error with a message, and nothing is installed.
    #[wasm_bindgen]
    pub fn install_mnist(bytes: &[u8]) -> Result<(), JsValue> {
        mnist::install(bytes).map_err(|e| JsValue::from_str(&e.to_string()))
    }

    /// Installs full MNIST from the four gzip files the worker fetched (training images and
    /// labels, test images and labels); a damaged or truncated file is an error with a message.
    #[wasm_bindgen]
    pub fn install_mnist_full(
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
    ) -> Result<(), JsValue> {
        mnist::idx::install_gz([train_images, train_labels, test_images, test_labels])
            .map_err(|e| JsValue::from_str(&e.to_string()))
    }

    /// Whether full MNIST is installed in this instance of the module.
    #[wasm_bindgen]
    pub fn mnist_full_loaded() -> bool {
        mnist::idx::installed()
    }

    /// Whether MNIST is installed in this instance of the module.
    #[wasm_bindgen]
    pub fn mnist_loaded() -> bool {
        mnist::loaded()
    }

    /// Runs one sweep cell (any problem) to its end, exactly as `playground run` would: the
    /// message with its `Outcome`, or the error for cell `id`.
    #[wasm_bindgen]
    pub fn cell_message(id: u32, query: &str) -> String {
        match Scenario::parse(query) {
            Ok(s) => FromWorker::Cell { id, outcome: run_outcome(&s) }.to_json(),
            Err(e) => FromWorker::error(None, Some(id), e.to_string()).to_json(),
        }
    }

    /// Trains `query` (a network scenario) for `epochs` epochs on this thread as fast as possible;
    /// returns seconds per epoch (benchmark hook for `npm run bench`, which imports this module
    /// into the page).
    #[wasm_bindgen]
    pub fn benchmark_digits(query: &str, epochs: u32) -> f64 {
        let Ok(mut s) = Scenario::parse(query) else { return f64::NAN };
        if !s.problem.is_network() || epochs == 0 {
            return f64::NAN;
        }
        s.epochs = epochs as u64;
        let mut run = NetRun::new(&s);
        let t = performance_now();
        run.run_to_end();
        (performance_now() - t) / 1000.0 / epochs as f64
    }
}

fn main() {
    // The module's exports above are its interface; native builds have nothing to run.
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("trainer: the Web Workers' wasm module; build it with Trunk (www/index.html)");
}
