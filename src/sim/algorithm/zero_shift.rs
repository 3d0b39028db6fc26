//! Zero-shifting: calibrating the fast array's symmetric point before training.
//!
//! Random ±Δw_min pulses drive an element towards its symmetric point, where up and down steps
//! balance (Xiao et al. 2026 count N = O(δ⁻¹Δw_min⁻¹) pulses for an error δ). The mean of the
//! walk's second half is the estimate; it becomes P's reference, subtracted from every read of P,
//! so P's symmetric point reads as zero, as the Tiki-Taka analysis needs.

use super::Algorithm;

impl Algorithm {
    /// Fires `pulses` random ±Δw_min pulses at each element of P (through its update mode: one
    /// pulse each at pulse level, the expected step of one pulse otherwise), and uses each
    /// element's estimate as its reference. P stays where the walk ended. The pulses are reported
    /// in [`Algorithm::zero_shift_pulses`], not in the training pulse count.
    pub fn zero_shift(&mut self, pulses: u64) {
        if !self.kind.transfers() || pulses == 0 {
            return;
        }
        let estimate = super::family::zero_shift(&mut self.fast, &mut self.p, 0, pulses, self.rates.transfer.dw_min);
        self.zero_shift_pulses = pulses * self.p.len() as u64;
        self.fam.p_ref.copy_from_slice(&estimate);
        self.sp_estimate = Some(estimate);
    }
}
