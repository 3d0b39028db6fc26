//! Bridges outward: a scenario written as a runnable script for another simulator.

pub mod aihwkit;
