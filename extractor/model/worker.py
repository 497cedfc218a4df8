"""The embedded model's own process: `python -m extractor.model.worker`, driven by `local.ModelProcess`.

llama.cpp is native code whose fast paths depend on the CPU (its AMX path crashes on some Sapphire Rapids
machines, llama.cpp issue 20824). Run in this child process, a native crash kills only the child: the parent
sees the pipe close and the signal in the exit status, and turns it into one clear error instead of dying
with a bare `Segmentation fault`.

Protocol: JSON lines. The parent writes one line of settings, then one request per line; the child answers
each line with one JSON line on the process's original stdout. Everything else the child or llama.cpp prints
goes to stderr (fd 1 is pointed at stderr, so stray C-level prints cannot corrupt the protocol).

    → {"model_path": …, "n_ctx": 4096, "n_threads": 2, "n_batch": 512, "use_extra_bufts": true, "probe": true}
    ← {"ok": true, "system_info": "AVX = 1 | …", "load_seconds": 1.2, "probe_seconds": 0.4}
    → {"kwargs": {"messages": […], "response_format": {…}, …}}
    ← {"response": {… a chat completion …}, "cached_tokens": 812}   or   {"error": "ValueError: …"}
    → {"op": "choose", "messages": […], "labels": ["A", "B", …]}
    ← {"logprobs": {"A": -0.05, "B": -3.2, …}, "prompt_tokens": 612, "cached_tokens": 540}

`choose` scores a closed set of answers in one forward pass: the chat prompt up to the assistant's turn is
read (its shared prefix taken from the KV cache), and each label's log-probability is that of its first
token under the next-token distribution. Labels must start with distinct tokens (letters A–K do); nothing is
generated, so no answer can fall outside the set.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from typing import Any, TextIO


def _answer(channel: TextIO, payload: dict) -> None:
    channel.write(json.dumps(payload, ensure_ascii=False) + "\n")
    channel.flush()


def _common_prefix(before: list[int], after: list[int]) -> int:
    n = 0
    for a, b in zip(before, after):
        if a != b:
            break
        n += 1
    return n


def load(settings: dict) -> Any:
    from llama_cpp import Llama

    if settings.get("use_extra_bufts") is not None:
        _set_extra_bufts(bool(settings["use_extra_bufts"]))
    return Llama(
        model_path=settings["model_path"],
        n_ctx=settings["n_ctx"],
        n_threads=settings["n_threads"],
        n_batch=settings["n_batch"],
        verbose=False,
    )


def _set_extra_bufts(on: bool) -> None:
    """llama.cpp's `use_extra_bufts` model parameter (repacked CPU and AMX weight buffers). llama-cpp-python
    0.3 has no argument for it: `Llama` takes its model parameters from `llama_model_default_params()`, so
    this process's copy of that function sets the field (pyproject bounds llama-cpp-python below 0.4)."""
    from llama_cpp import llama_cpp as bindings

    defaults = bindings.llama_model_default_params

    def params():
        value = defaults()
        value.use_extra_bufts = on
        return value

    bindings.llama_model_default_params = params


def system_info() -> str:
    """How llama.cpp was built and what it uses on this CPU (`AVX2 = 1 | AMX_INT8 = 1 | …`)."""
    import llama_cpp

    info = llama_cpp.llama_print_system_info()
    return info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)


def probe(llama: Any) -> None:
    """One tiny completion: where llama.cpp's kernels crash on this CPU, they crash here, before real work."""
    llama.create_chat_completion(messages=[{"role": "user", "content": "Say hi"}], max_tokens=2, temperature=0)
    llama.reset()


def chat_prompt(llama: Any, messages: list[dict]) -> str:
    """The messages in the model's own chat template, ending where the assistant's answer begins (ChatML,
    Qwen's format, when the file carries no template)."""
    template = (getattr(llama, "metadata", None) or {}).get("tokenizer.chat_template")
    if template:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        formatter = Jinja2ChatFormatter(template=template, eos_token="", bos_token="", add_generation_prompt=True)
        return formatter(messages=messages).prompt  # type: ignore[arg-type]  # plain role/content dicts, as llama.cpp accepts
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def label_tokens(llama: Any, labels: list[str]) -> list[int]:
    """Each label's first token; labels sharing one could not be told apart by a single forward pass."""
    firsts = [llama.tokenize(label.encode("utf-8"), add_bos=False, special=False)[:1] for label in labels]
    if any(not t for t in firsts) or len({t[0] for t in firsts}) != len(labels):
        raise ValueError("choose: labels must be non-empty and start with distinct tokens")
    return [t[0] for t in firsts]


def last_logits(llama: Any) -> Any:
    """The next-token logits after the last token read (llama.cpp keeps only the batch's last row unless the
    context was made with logits_all, which this process does not need)."""
    import numpy as np
    from llama_cpp import llama_cpp as bindings

    return np.ctypeslib.as_array(bindings.llama_get_logits_ith(llama._ctx.ctx, -1), shape=(llama.n_vocab(),))


def choose(llama: Any, messages: list[dict], labels: list[str]) -> dict:
    """Each label's log-probability as the assistant's first token (see the module's docstring)."""
    import numpy as np

    ids = label_tokens(llama, labels)
    tokens = llama.tokenize(chat_prompt(llama, messages).encode("utf-8"), add_bos=False, special=True)
    if len(tokens) >= llama.n_ctx():
        raise ValueError(f"choose: prompt of {len(tokens)} tokens exceeds the context of {llama.n_ctx()}")
    reused = min(_common_prefix(list(llama._input_ids), tokens), len(tokens) - 1)  # ≥ 1 token read: fresh logits
    llama.n_tokens = reused
    llama.eval(tokens[reused:])
    logits = np.asarray(last_logits(llama), dtype=np.float64)
    top = logits.max()
    log_z = top + np.log(np.exp(logits - top).sum())
    return {
        "logprobs": {label: float(logits[i] - log_z) for label, i in zip(labels, ids)},
        "prompt_tokens": len(tokens),
        "cached_tokens": reused,
    }


def serve(requests: TextIO, channel: TextIO) -> int:
    settings = json.loads(requests.readline() or "{}")
    started = time.monotonic()
    try:
        llama = load(settings)
        loaded = time.monotonic()
        if settings.get("probe"):
            probe(llama)
        info = system_info()
    except Exception as exc:  # a Python-level failure to load: the parent reports it as one line
        _answer(channel, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _answer(
        channel,
        {
            "ok": True,
            "system_info": info.strip(),
            "load_seconds": round(loaded - started, 3),
            "probe_seconds": round(time.monotonic() - loaded, 3),
        },
    )
    for line in requests:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if request.get("op") == "choose":
                _answer(channel, choose(llama, request["messages"], request["labels"]))
                continue
            before = list(llama._input_ids)
            response = llama.create_chat_completion(**request["kwargs"])
            after = list(llama._input_ids)
            prompt_tokens = (response.get("usage") or {}).get("prompt_tokens", 0)
            reused = _common_prefix(before, after[:prompt_tokens])
            _answer(channel, {"response": response, "cached_tokens": reused})
        except Exception as exc:  # a bad request (context overflow, grammar): this call fails, the process lives
            _answer(channel, {"error": f"{type(exc).__name__}: {exc}"})
    return 0


def main() -> int:
    # Ctrl-C in a terminal reaches the whole process group: the parent decides what an interrupt means (it
    # stops the run and closes this process's stdin, which ends the loop), so the model must not die first
    # and look like a crash.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # C-level and stray Python prints go to stderr, never into the protocol
    sys.stdout = sys.stderr
    requests = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
    return serve(requests, channel)


if __name__ == "__main__":
    raise SystemExit(main())
