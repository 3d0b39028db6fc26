#!/usr/bin/env bash
# The τ cliff of Analog SGD on full MNIST (docs/reproduction/tau-cliff.md): where, in τ, the
# paper's FCN (`preset=paper-fcn`, pulse level) stops collapsing to one class, with and without the
# learned out scales, and the ablations of d2d and Δw_min. Three epochs per cell (the collapse or
# the take-off shows by then; the paper-scale run has 80). Writes docs/reproduction/tau-cliff/.
# About 40 CPU-minutes; not CI (README "Fig. 5 at the paper's scale").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
cargo build --release --quiet --bin playground
out=docs/reproduction/tau-cliff
mkdir -p "$out"
q='preset=paper-fcn&data=full&algos=analog&epochs=3'
pg() { target/release/playground sweep "$q" "$@"; }
# Across τ from the paper's 0.7 to 2 (log), learned out scales off and on.
pg --x tau_sym=0.7:2:log:8 --y out_scaling=0:1:lin:2 --out "$out/coarse.csv" --svg "$out/coarse.svg"
# The paper's interval, finely.
pg --x tau_sym=0.7:0.8:lin:6 --y out_scaling=0:1:lin:2 --out "$out/fine.csv"
# Our edge, with the paper's device-to-device spread and without it.
pg --x tau_sym=1.1:1.5:lin:5 --y d2d=0:0.3:lin:2 --out "$out/edge.csv"
# At τ = 0.78: a ten times finer pulse.
pg --x tau_sym=0.78:0.78:lin:1 --y dw_min=0.0001:0.001:log:2 --out "$out/dw_min.csv"
# The edge is a race: the same τ collapses or takes off depending on the seed.
pg --x tau_sym=1.1:1.5:lin:5 --y seed=1:4:lin:4 --out "$out/seeds.csv"
# The paper's one device realisation (construction seed 10) against ours (1).
pg --x tau_sym=0.78:0.78:lin:1 --y device_seed=1:10:lin:2 --out "$out/device_seed.csv"
