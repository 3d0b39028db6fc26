//! The page's Web Workers: one per core (`navigator.hardwareConcurrency`, at most
//! [`MAX_WORKERS`]), each a module worker (`worker.js`) with its own instance of the workers' wasm
//! module. Started on first use, so the 2-D views never pay for them. Messages from the workers
//! wait in an inbox that the animation frame drains; nothing is handled inside the callback, so
//! no borrow of the app is ever held across an event.

use crate::worker_protocol::{FromWorker, ToWorker};
use js_sys::Reflect;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Most workers started (more cores than this gain little for these problem sizes).
pub const MAX_WORKERS: usize = 8;

/// Failures after which a worker slot is left out instead of replaced again.
pub const MAX_FAILURES: u32 = 3;

/// A message from a worker: which worker, and what it posted (a message that does not decode,
/// and a worker that crashed or could not load, arrive as [`FromWorker::Error`] without a token
/// or an id: the worker itself failed).
pub struct Incoming {
    pub worker: usize,
    pub message: FromWorker,
}

impl Incoming {
    /// Whether the worker itself failed (not one run or cell).
    pub fn worker_failed(&self) -> bool {
        matches!(self.message, FromWorker::Error { token: None, id: None, .. })
    }
}

/// The pool.
pub struct Workers {
    workers: Vec<Worker>,
    inbox: Rc<RefCell<VecDeque<Incoming>>>,
    /// Sweep cells handed to each worker and not answered yet.
    pub in_flight: Vec<usize>,
    /// How often each slot's worker failed (crashed, or could not load) and was replaced.
    pub failures: Vec<u32>,
    /// Set when the workers could not be started (the page says so instead of training).
    pub error: Option<String>,
}

fn field_str(v: &JsValue, name: &str) -> Option<String> {
    Reflect::get(v, &JsValue::from_str(name)).ok().and_then(|x| x.as_string())
}

impl Workers {
    /// An empty pool; workers start on the first [`Workers::ensure_started`].
    pub fn new() -> Workers {
        Workers {
            workers: vec![],
            inbox: Rc::new(RefCell::new(VecDeque::new())),
            in_flight: vec![],
            failures: vec![],
            error: None,
        }
    }

    /// How many workers the pool has (after starting).
    pub fn len(&self) -> usize {
        self.workers.len()
    }

    /// Starts the workers if they are not running yet.
    pub fn ensure_started(&mut self) -> bool {
        if !self.workers.is_empty() {
            return true;
        }
        if self.error.is_some() {
            return false;
        }
        let cores = super::dom::window().navigator().hardware_concurrency();
        let n = (cores as usize).clamp(1, MAX_WORKERS);
        for w in 0..n {
            match self.spawn(w) {
                Ok(worker) => self.workers.push(worker),
                Err(e) => {
                    self.error = Some(e);
                    self.workers.clear();
                    return false;
                }
            }
        }
        self.in_flight = vec![0; n];
        self.failures = vec![0; n];
        true
    }

    /// Whether slot `w` gets work: it has not failed [`MAX_FAILURES`] times.
    pub fn usable(&self, w: usize) -> bool {
        self.failures.get(w).is_some_and(|&f| f < MAX_FAILURES)
    }

    /// Counts a failure of slot `w`'s worker and, below [`MAX_FAILURES`], replaces it with a fresh
    /// one (its queue empty); returns whether the slot still works.
    pub fn replace(&mut self, w: usize) -> bool {
        let Some(old) = self.workers.get(w) else { return false };
        old.terminate();
        self.in_flight[w] = 0;
        self.failures[w] += 1;
        if !self.usable(w) {
            return false;
        }
        match self.spawn(w) {
            Ok(worker) => {
                self.workers[w] = worker;
                true
            }
            Err(_) => {
                self.failures[w] = MAX_FAILURES;
                false
            }
        }
    }

    /// A worker for slot `w`, its messages going to the inbox under that slot.
    fn spawn(&self, w: usize) -> Result<Worker, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("./worker.js", &options)
            .map_err(|e| format!("could not start a Web Worker: {e:?}"))?;
        let inbox = self.inbox.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            let message = FromWorker::from_json(&text).unwrap_or_else(|e| FromWorker::error(None, None, e));
            inbox.borrow_mut().push_back(Incoming { worker: w, message });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let inbox = self.inbox.clone();
        // A script that fails to load fires a plain Event, a crash an ErrorEvent with a message.
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let what = field_str(&e, "message").unwrap_or_else(|| "its script could not be loaded".into());
            let message = FromWorker::error(None, None, format!("a Web Worker failed: {what}"));
            inbox.borrow_mut().push_back(Incoming { worker: w, message });
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Ok(worker)
    }

    /// Posts `message` to worker `w`.
    pub fn post(&self, w: usize, message: &ToWorker) {
        let Some(worker) = self.workers.get(w) else { return };
        let _ = worker.post_message(&JsValue::from_str(&message.to_json()));
    }

    /// Everything the workers posted since the last call.
    pub fn drain(&self) -> Vec<Incoming> {
        self.inbox.borrow_mut().drain(..).collect()
    }
}
