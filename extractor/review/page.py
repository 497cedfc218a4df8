"""One self-contained HTML page: the data as JSON in a <script type="application/json">, CSS and JS inlined.

No server, no CDN: a page opens from disk, offline. Text never goes into the HTML as markup: the data
block is JSON in which `<`, `>`, `&` and the JS line separators are \\u-escaped, so `</script>`, `<!--`
or `</textarea>` in a report cannot end the block or start a comment, and the scripts render every string
with `textContent`. Values written by Python into the page (titles) go through `html.escape`; links to
other files are built by `href` (percent-encoded, `./`-relative). The Content-Security-Policy allows only
the page's own inline style and script, by hash: should anything slip through, it cannot run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

DATA_ID = "fazhi-data"
DOC_BODY = '<div id="app" class="doc"></div>'  # a scrolling document (index, eval) rather than panes
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element (and still parses as the same JSON)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file from extractor/review/assets (CSS, JS)."""
    return resources.files("extractor.review").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def href(relative: str) -> str:
    """A link to a file beside the page, safe whatever its name: every path segment percent-encoded and the
    whole made explicitly relative, so `javascript:alert(1).html` is a file (`./javascript%3Aalert(1).html`),
    not a scheme, and `#`, `?`, `%` in a name are part of the name, not a fragment or query."""
    parts = [quote(part, safe="") for part in relative.replace("\\", "/").split("/") if part not in ("", ".")]
    return "./" + "/".join(parts)


def csp(css: str, js: str) -> str:
    """The page's Content-Security-Policy: its own inline style and script (by hash) and nothing else — no
    fetch, no other script, no `javascript:` URL, no inline event handler, no form, no <base>."""
    return (
        "default-src 'none'; "
        f"style-src '{_hash(css)}'; script-src '{_hash(js)}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def render(
    title: str,
    data: Any,
    scripts: tuple[str, ...],
    styles: tuple[str, ...] = ("base.css",),
    body: str = '<div id="app"></div>',
) -> str:
    """The whole page. `scripts`/`styles` name asset files; `body` is trusted markup (no data in it)."""
    css = "\n" + "\n".join(asset(s) for s in styles) + "\n"
    js = "\n" + "\n".join(asset(s) for s in scripts) + "\n"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Everything is inline; nothing may be fetched (a page from disk must work offline).
        f'<meta http-equiv="Content-Security-Policy" content="{csp(css, js)}">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n"
        f'<script type="application/json" id="{DATA_ID}">{script_json(data)}</script>\n'
        f"<script>{js}</script>\n</body>\n</html>\n"
    )
