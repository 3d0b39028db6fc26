#!/usr/bin/env bash
# Speed against IBM aihwkit on full MNIST (a benchmark, not CI; BENCHMARKS.md "full MNIST"): the
# marginal epoch — epochs 2–3, training on 60,000 images at batch 10 plus the 10,000-image test
# pass — on one thread, the same scenario (`preset=paper-fcn&data=full`) in both simulators,
# measured in alternation so that both see the same machine load (each aihwkit run next to the
# playground rows compared with it).
#
#   ./scripts/aihwkit-speed-full.sh          # 2 rounds
#   ROUNDS=1 ./scripts/aihwkit-speed-full.sh
#
# aihwkit runs the script `playground export aihwkit` writes (3 epochs; the mean of its EPOCH
# lines' training + test seconds for epochs 2 and 3). The playground's marginal epoch is
# (T(3 epochs) − T(1 epoch)) / 2 of `playground run … --threads 1`, wall time, so set-up, data
# loading and epoch 1 cancel out. Its expected-dynamic rows (pulses=0) are compared with
# aihwkit's pulse-level run of the same algorithm (aihwkit has no expected dynamic). Best over
# rounds. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-2}"
source scripts/aihwkit-venv.sh
./scripts/setup.sh >/dev/null
cargo build --release --quiet --bin playground
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base='preset=paper-fcn&data=full&seeds=1'

# aihwkit's runs: algorithm | scenario (the digital run is torch's float layers).
runs=("digital|$base&algos=digital" "analog|$base&algos=analog" "tt|$base&algos=tt")
# The playground's rows: label | aihwkit run it is compared with | scenario.
rows=(
    "digital|digital|$base&algos=digital"
    "analog, expected dynamic|analog|$base&algos=analog&pulses=0"
    "tt, expected dynamic|tt|$base&algos=tt&pulses=0"
    "analog, pulse level|analog|$base&algos=analog"
    "tt, pulse level|tt|$base&algos=tt"
)
best() { "$PY" -c "import sys; print(min(float(v) for v in sys.argv[1:]))" "$@"; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); "$PY" -c "print($t1 - $t0)"; }
declare -A aih ours
for round in $(seq "$ROUNDS"); do
    # Each aihwkit run is followed at once by the playground rows compared with it, so that a
    # pair sees the same machine (its speed drifts within minutes).
    for run in "${runs[@]}"; do
        IFS='|' read -r algo query <<<"$run"
        script="$work/$algo.py"
        target/release/playground export aihwkit "$query&epochs=3" --out "$script" 2>/dev/null
        a=$("$PY" "$script" --threads 1 |
            "$PY" -c 'import re,sys; e=[float(m[0]) + float(m[1]) for m in re.findall(r"train_seconds=([\d.]+) test_seconds=([\d.]+)", sys.stdin.read())]; print(sum(e[1:3]) / 2)')
        aih[$algo]=$(best "$a" "${aih[$algo]:-inf}")
        echo "round $round: aihwkit $algo $a s per marginal epoch" >&2
        for i in "${!rows[@]}"; do
            IFS='|' read -r label compared query <<<"${rows[$i]}"
            [[ $compared == "$algo" ]] || continue
            t1=$(seconds target/release/playground run "$query&epochs=1" --threads 1)
            t3=$(seconds target/release/playground run "$query&epochs=3" --threads 1)
            o=$("$PY" -c "print(($t3 - $t1) / 2)")
            ours[$i]=$(best "$o" "${ours[$i]:-inf}")
            echo "round $round: playground $label $o s per marginal epoch" >&2
        done
    done
done
echo "| track (full MNIST, one thread) | aihwkit 1.1 s/epoch | playground s/epoch | × faster |"
echo "|---|---|---|---|"
for i in "${!rows[@]}"; do
    IFS='|' read -r label algo _ <<<"${rows[$i]}"
    "$PY" -c "a, o = ${aih[$algo]}, ${ours[$i]}; print(f'| $label | {a:.1f} | {o:.2f} | {a / o:.1f}× |')"
done
