# Sourced by the aihwkit scripts: sets PY to the Python of .venv-aihwkit/ at the repository root,
# creating it with aihwkit==1.1.0 and torch==2.10.0 from PyPI (torch 2.9 does not load aihwkit
# 1.1's extension), numpy and scikit-learn when it is missing or holds other versions.
VENV=.venv-aihwkit
PY="$VENV/bin/python"
if ! "$PY" -c 'import aihwkit, torch, sklearn; assert aihwkit.__version__ == "1.1.0"; assert torch.__version__.startswith("2.10.0")' 2>/dev/null; then
    echo "== installing aihwkit 1.1.0 + torch 2.10.0 into $VENV (a few minutes)"
    python3 -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet aihwkit==1.1.0 torch==2.10.0 numpy scikit-learn
fi
