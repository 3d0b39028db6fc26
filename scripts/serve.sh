#!/usr/bin/env bash
# Builds the app and serves it on http://127.0.0.1:8080 (installs what is missing first).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
# No autoreload: its injected inline script would be refused by the page's CSP.
exec trunk serve --release --offline --no-autoreload
