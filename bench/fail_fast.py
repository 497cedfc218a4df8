"""How fast a run that cannot work says so (a script, not a test): wall time and exit code of `fazhi batch
seeds/` against an endpoint that refuses connections, one that never answers, and the OpenAI API with no
key. Each is a fresh process, as a user would run it (imports included).

    python bench/fail_fast.py                 # the hanging endpoint with --timeout 1, and at the defaults
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

import fakeserver  # noqa: E402
from fakeserver import FakeOpenAI, delay  # noqa: E402

fakeserver.MAX_DELAY = 900.0  # a hang longer than any default wait (the server still wakes on shutdown)


def run(args: list[str], env: dict[str, str]) -> tuple[int, float, str]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "extractor", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    return proc.returncode, time.monotonic() - started, errors[-1] if errors else ""


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "FAZHI_BASE_URL")}
    with tempfile.TemporaryDirectory(prefix="fazhi-fail-fast-") as tmp, \
            FakeOpenAI(responder=lambda request: delay(900)) as hanging:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
        common = ["--cache-dir", f"{tmp}/cache"]
        cases = {
            "refused port": ["batch", "seeds/", "-o", f"{tmp}/a", "--backend", "openai", "--base-url", closed,
                             "--api-key", "x", *common],
            "100% hang, --timeout 1": ["batch", "seeds/", "-o", f"{tmp}/b", "--backend", "openai", "--base-url",
                                       hanging.url, "--api-key", "x", "--timeout", "1", *common],
            "100% hang, defaults": ["batch", "seeds/", "-o", f"{tmp}/c", "--backend", "openai", "--base-url",
                                    hanging.url, "--api-key", "x", *common],
            "openai, no key": ["extract", "seeds/000_f1d261e1c8a62baa.txt", "--backend", "openai", *common],
        }
        for name, args in cases.items():
            code, seconds, line = run(args, env)
            print(f"{name:<24} exit {code}  {seconds:5.1f} s  {line[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
