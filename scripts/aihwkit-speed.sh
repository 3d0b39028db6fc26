#!/usr/bin/env bash
# Speed against IBM aihwkit on this machine (a benchmark, not CI): seconds per MNIST-10k epoch
# (8000 training images, batch 10 — the CNN's 8 — then the 2000-image test pass), of the FCN and the CNN, one thread, the same scenario
# in both simulators, measured in alternation so that both see the same machine load.
#
#   ./scripts/aihwkit-speed.sh          # 3 rounds
#   ROUNDS=1 ./scripts/aihwkit-speed.sh
#
# aihwkit runs the script `playground export aihwkit` writes for the scenario (2 epochs, each
# printing its training and test seconds); the playground runs `cargo bench --bench mnist` on the
# same rows. Both figures are wall time, best over epochs and rounds (aihwkit's per algorithm). The playground's
# expected-dynamic rows are compared with aihwkit's pulse-level run of the same algorithm (aihwkit
# has no expected dynamic), as the issue's anchor does. Prints a Markdown table (BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"
source scripts/aihwkit-venv.sh
cargo build --release --quiet --bin playground
bench=$(cargo bench --bench mnist --no-run --message-format=json 2>/dev/null |
    "$PY" -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("target", {}).get("name") == "mnist" and m.get("executable")][0])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# aihwkit's runs: algorithm | scenario. The digital run is torch's float layers.
runs=(
    "digital|problem=mnist&tau=0.7&algos=digital"
    "analog|preset=paper-fcn&algos=analog"
    "tt|preset=paper-fcn&algos=tt"
    "cnn-digital|problem=mnist&arch=cnn&batch=8&tau=0.7&algos=digital"
    "cnn-analog|preset=paper-cnn&tau_max=0.7&tau_min=-0.7&algos=analog"
    "cnn-tt|preset=paper-cnn&tau_max=0.7&tau_min=-0.7&algos=tt"
)
# The playground's rows: label | aihwkit run it is compared with | the bench's row words.
rows=(
    "digital|digital|digital fcn"
    "analog, expected dynamic|analog|analog fcn expected batch"
    "tt, expected dynamic|tt|tt fcn expected batch"
    "analog, pulse level, preset=paper-fcn|analog|analog fcn pulse"
    "tt, pulse level, preset=paper-fcn|tt|tt fcn pulse"
    "CNN digital|cnn-digital|digital cnn"
    "CNN analog, expected dynamic|cnn-analog|analog cnn expected batch"
    "CNN tt, expected dynamic|cnn-tt|tt cnn expected batch"
    "CNN analog, pulse level, preset=paper-cnn|cnn-analog|analog cnn pulse"
    "CNN tt, pulse level, preset=paper-cnn|cnn-tt|tt cnn pulse"
)
best() { "$PY" -c "import sys; print(min(float(v) for v in sys.argv[1:]))" "$@"; }
declare -A aih ours
for round in $(seq "$ROUNDS"); do
    for run in "${runs[@]}"; do
        IFS='|' read -r algo query <<<"$run"
        script="$work/$algo.py"
        target/release/playground export aihwkit "$query&epochs=2&seeds=1" --out "$script" 2>/dev/null
        a=$(MNIST10K=data/mnist/mnist10k.bin.gz "$PY" "$script" --threads 1 |
            "$PY" -c 'import re,sys; print(min(float(m[0]) + float(m[1]) for m in re.findall(r"train_seconds=([\d.]+) test_seconds=([\d.]+)", sys.stdin.read())))')
        aih[$algo]=$(best "$a" "${aih[$algo]:-inf}")
        echo "round $round: aihwkit $algo $a s" >&2
    done
    for i in "${!rows[@]}"; do
        IFS='|' read -r label _ words <<<"${rows[$i]}"
        # shellcheck disable=SC2086
        o=$("$bench" $words | tail -1 | cut -d'|' -f4 | tr -d ' ')
        ours[$i]=$(best "$o" "${ours[$i]:-inf}")
        echo "round $round: playground $label $o s" >&2
    done
done
echo "| track | aihwkit 1.1 s/epoch | playground s/epoch | × faster |"
echo "|---|---|---|---|"
for i in "${!rows[@]}"; do
    IFS='|' read -r label algo _ <<<"${rows[$i]}"
    "$PY" -c "a, o = ${aih[$algo]}, ${ours[$i]}; print(f'| $label | {a:.2f} | {o:.3f} | {a / o:.1f}× |')"
done
