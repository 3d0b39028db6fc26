//! When a key applies: the predicates the vocabulary's `applies` entries name. A key that does not
//! apply to a scenario is left out of its canonical form and returns to its default.

use super::{Arch, DeviceKind, ProblemKind, PulseMode, Scenario};
use crate::sim::algorithm::AlgorithmKind;

pub(super) fn always(_: &Scenario) -> bool {
    true
}
pub(super) fn on_quadratic(s: &Scenario) -> bool {
    s.problem == ProblemKind::Quadratic
}
pub(super) fn on_quadratic_or_lsq(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Quadratic | ProblemKind::Lsq)
}
pub(super) fn on_quadratic_or_lb(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Quadratic | ProblemKind::LowerBound)
}
pub(super) fn on_stepped(s: &Scenario) -> bool {
    !s.problem.is_network()
}
pub(super) fn on_digits(s: &Scenario) -> bool {
    s.problem.is_network()
}
pub(super) fn on_fcn(s: &Scenario) -> bool {
    s.problem.is_network() && s.arch == Arch::Fcn
}
pub(super) fn on_mnist(s: &Scenario) -> bool {
    s.problem == ProblemKind::Mnist
}
pub(super) fn on_lsq_or_digits(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq || s.problem.is_network()
}
pub(super) fn on_digits_expected(s: &Scenario) -> bool {
    s.problem.is_network() && s.device != DeviceKind::Ideal && s.pulses != PulseMode::On
}
pub(super) fn on_network_transfer(s: &Scenario) -> bool {
    s.problem.is_network() && s.algos.iter().any(|a| a.transfers())
}
pub(super) fn on_lr_step(s: &Scenario) -> bool {
    s.problem.is_network() && s.lr_step > 0
}
pub(super) fn on_network_analog(s: &Scenario) -> bool {
    s.problem.is_network() && s.device != DeviceKind::Ideal
}
pub(super) fn never(_: &Scenario) -> bool {
    false
}
pub(super) fn on_lsq(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq
}
pub(super) fn on_lsq_pulses(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq && on_pulses(s)
}
pub(super) fn on_lsq_or_lb(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Lsq | ProblemKind::LowerBound)
}
pub(super) fn on_lb(s: &Scenario) -> bool {
    s.problem == ProblemKind::LowerBound
}
pub(super) fn on_ald(s: &Scenario) -> bool {
    s.device == DeviceKind::Ald
}
pub(super) fn on_bounded(s: &Scenario) -> bool {
    matches!(s.device, DeviceKind::SoftBounds | DeviceKind::Pow | DeviceKind::Exp)
}
pub(super) fn on_shaped(s: &Scenario) -> bool {
    matches!(s.device, DeviceKind::Pow | DeviceKind::Exp)
}
pub(super) fn on_analog_device(s: &Scenario) -> bool {
    s.device != DeviceKind::Ideal
}
pub(super) fn on_d2d(s: &Scenario) -> bool {
    s.device != DeviceKind::Ideal && s.d2d > 0.0
}
pub(super) fn on_pulses(s: &Scenario) -> bool {
    s.pulses != PulseMode::Off
}
pub(super) fn on_c2c(s: &Scenario) -> bool {
    on_pulses(s) && s.device != DeviceKind::Ideal && s.c2c > 0.0
}
pub(super) fn runs_any(s: &Scenario, f: fn(AlgorithmKind) -> bool) -> bool {
    s.algos.iter().any(|&a| f(a))
}
pub(super) fn on_transfer(s: &Scenario) -> bool {
    runs_any(s, AlgorithmKind::transfers)
}
pub(super) fn on_transfer_pulses(s: &Scenario) -> bool {
    on_transfer(s) && on_pulses(s) && s.device != DeviceKind::Ideal
}
pub(super) fn on_buffered(s: &Scenario) -> bool {
    runs_any(s, AlgorithmKind::buffered)
}
pub(super) fn on_ttv2_family(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::TtV2 | AlgorithmKind::CTtV2 | AlgorithmKind::Agad))
}
pub(super) fn on_chopped(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::CTtV2 | AlgorithmKind::Agad | AlgorithmKind::ERider))
}
pub(super) fn on_agad(s: &Scenario) -> bool {
    runs_any(s, |a| a == AlgorithmKind::Agad)
}
pub(super) fn on_residual(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::Rl | AlgorithmKind::RlV2 | AlgorithmKind::Rider | AlgorithmKind::ERider))
}
pub(super) fn on_rider(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::Rider | AlgorithmKind::ERider))
}
pub(super) fn on_erider(s: &Scenario) -> bool {
    runs_any(s, |a| a == AlgorithmKind::ERider)
}
pub(super) fn on_zero_shift_choice(s: &Scenario) -> bool {
    on_transfer(s) && s.device != DeviceKind::Ideal
}
pub(super) fn on_zero_shift(s: &Scenario) -> bool {
    on_zero_shift_choice(s) && s.zero_shift == 1
}
/// Δw_min is the pulse size, and also the unit of buffered transfers and zero-shifting pulses.
pub(super) fn on_dw_min(s: &Scenario) -> bool {
    on_pulses(s) || (s.device != DeviceKind::Ideal && on_buffered(s)) || on_zero_shift(s)
}
