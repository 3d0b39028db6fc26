//! Analog Training Playground: a simulator of gradient-based training on analog in-memory
//! computing (AIMC) hardware, after Wu, Gokmen, Rasch & Chen, "Towards Exact Gradient-based
//! Training on Analog In-memory Computing" (NeurIPS 2024).
//!
//! * [`sim`] — the pure simulation core (devices, algorithms, problems, theory, the scenario
//!   vocabulary). No browser types; it builds and tests natively.
//! * [`figures`] — charts generic over plotters' `DrawingBackend` (SVG natively, canvas in the browser).
//! * `web` — the thin wasm layer that drives the page (compiled for `wasm32` only).
//! * [`worker_protocol`] — the typed messages between the page and its Web Workers.

// Index loops over several parallel arrays read like the maths they implement.
#![allow(clippy::needless_range_loop)]

pub mod export;
pub mod figures;
pub mod notation;
pub mod reproduce;
pub mod scenes;
pub mod sim;
pub mod worker_protocol;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
mod web;
