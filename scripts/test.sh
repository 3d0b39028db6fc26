#!/usr/bin/env bash
# Runs every test: formatting, lints (native and wasm), native unit and integration tests,
# the wasm tests in headless Chromium, a release build of the site, and the end-to-end tests
# against it. Installs what is missing first (idempotent; the first run takes ~25 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --with-browser
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (native, all targets)"
cargo clippy --all-targets -- -D warnings
step "cargo clippy (wasm32: the browser layer)"
cargo clippy --target wasm32-unknown-unknown --lib --test wasm -- -D warnings
step "cargo clippy (wasm32: the workers' module)"
cargo clippy --target wasm32-unknown-unknown --bin trainer --no-default-features --features worker -- -D warnings
step "native tests"
cargo test
step "wasm tests in headless Chromium"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --target wasm32-unknown-unknown --test wasm
step "release build of the site (dist/)"
trunk build --release --offline
step "end-to-end tests (Playwright + Debian Chromium)"
(cd e2e && npm test)
