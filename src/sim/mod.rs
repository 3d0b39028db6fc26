//! The simulation core.
//!
//! Notation used throughout (the NeurIPS 2025 follow-up's naming):
//! * **α** (`alpha`) — step size: the rate at which gradients are written into the array that
//!   receives them (W for Analog SGD, the fast array P for Tiki-Taka).
//! * **β** (`beta`) — transfer rate P → W in Tiki-Taka. (The 2024 paper swaps α and β for Tiki-Taka.)
//! * **γ** (`gamma`) — mixing: Tiki-Taka takes gradients at W̄ = W + γP.
//! * **τ** (`tau`) — device dynamic range and asymmetry: the asymmetric linear device saturates at ±τ.
//! * **σ** (`sigma`) — standard deviation of the gradient noise, per coordinate.
//!
//! Everything here is deterministic given the scenario and its seeds, on every platform.

pub mod algorithm;
pub mod c2c;
pub mod device;
pub mod ensemble;
pub mod experiment;
pub mod golden;
pub mod network;
pub mod numeric;
pub mod pool;
pub mod problem;
pub mod pulse_train;
pub mod record;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sweep;
pub mod table;
pub mod theory;

pub use ensemble::Ensemble;
pub use experiment::{Experiment, ExperimentSummary};
pub use run::{Run, Summary};
pub use scenario::Scenario;
