"""Metadata from the header and closing lines, by rules only (no model), plus document-level quality notes.

Where things stand in a report (names made up):

    中共青山市白河区委员会                   文头 (letterhead): the most specific place name
    白文〔2024〕8号                          doc_number
    签发人：张三 / 李四                      signers (more names may follow on the next lines)
    中共青山市委 青山市人民政府               title, issuer part (may be its own line)
    关于2023年法治政府建设情况的报告          title; report_year (a title may also lack 关于:
                                            `青山市人民政府2023年度法治政府建设工作情况`)
    省委、省政府：                           recipients (主送)
    2023年，青山市坚持…                      opening sentence: the place when nothing above names one
    …body…
    特此报告。 / 青山市人民政府 / 2024年3月1日  signatures, issue_date
    青山市人民政府办公室 2024年3月5日印发      printing office and printed_date

A web copy may carry an info block (`发文机关:` `成文日期:` `发文字号:` `所属单位:`, found by text.furniture);
it fills what the report's own lines leave empty. Labels are matched on the simplified view, values are
given as printed. A field the text does not state is None — never filled from the file name or a guess.
A text that lost its line breaks (one long line, or relined by text.reline with no break in the original
header) has its header read as one run in the printed order (structure.run_in).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from extractor import lexicon
from extractor.text.grammar import CN_DIGITS, DOC_NUMBER, YEAR, YEAR_DIGITS
from extractor.text.layout import DATE_LINE, Line, closing_index, is_org_line, parse_date, split_lines
from extractor.text.normalize import Normalized
from extractor.text.script import simplified
from extractor.text.sentences import SENTENCE_END
from extractor.structure.issuers import issuers_level, place_level, place_of, split_issuers, title_subject
from extractor.structure.outline import Outline
from extractor.structure.page_info import PageInfo
from extractor.structure.run_in import closing_dates, header_run
from schemas.report import Metadata, QualityNote, Section

_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}" + DOC_NUMBER + "$")
_SIGNER_LABEL = re.compile(r"^签发人[:：]")
_SIGNER_LINE = re.compile(r"^[ \t\u3000#]*签发人[ \t\u3000]*[:：](?P<names>.*)$", re.M)  # on original text
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_WORDS = lexicon.load("metadata_words")
_NOT_A_NAME = re.compile(lexicon.alternation(_WORDS.table("signer")["not_a_name"]))
_YEAR = YEAR  # its callers strip spaces first, so YEAR's `\s*` changes nothing
_INTRO_MIN = 40  # the first line this long before the first heading is the opening paragraph, not header
_RECIPIENT_SPLIT = re.compile(r"[、，,\s]+")
_FINAL = SENTENCE_END | set("”」』")  # a sentence end, or a closing quote after one


def extract_metadata(norm: Normalized, outline: Outline) -> tuple[Metadata, list[QualityNote]]:
    lines = split_lines(norm)
    close = closing_index(lines)
    header = _header(norm, lines, outline)
    closing = lines[close:]
    title_lines = _title_lines(header)
    run_in = header_run(norm, lines, bool(header or title_lines), _is_title)
    if run_in is not None:  # the pieces read in the printed order win; the relined header lines fill the rest
        title_lines = [run_in.title] if run_in.title else title_lines
    page = PageInfo(norm)  # the web page's info block and crawler header: only what the report leaves empty
    title = _compact(norm, title_lines) if title_lines else page.take("title", "title")
    issuers = (
        _title_issuers(norm, title_lines)
        or _signature_issuers(closing)
        or (None if title_lines or not title else _header_title_issuers(page, title))
        or page.issuers()
    )
    recipients = (run_in.recipients if run_in else None) or _recipients(header)
    issued, printed = _dates(norm, closing, page, flattened=run_in is not None)
    place = _region(
        header,
        issuers,
        closing,
        norm.text,
        (page.names("所属单位") or []) + ([run_in.letterhead] if run_in and run_in.letterhead else []),
        _simplified_title(title),
    )
    meta = Metadata(
        title=title,
        issuers=issuers,
        region=_printed(norm, place),  # as printed: 小龍門鄉 in a traditional report
        admin_level=_admin_level(place, [simplified(i) for i in issuers or []], recipients, norm.text),
        report_year=_report_year(title, outline, norm.text) or (run_in.report_year if run_in else None),
        doc_number=(_compact(norm, [run_in.doc]) if run_in and run_in.doc else None)
        or next((_compact(norm, [ln]) for ln in header if _DOC_NUMBER.match(ln.text)), None)
        or page.take("doc_number", "doc_number"),
        signers=(_run_in_signers(norm, run_in.signers) if run_in else None) or _signers(norm, outline),
        recipients=recipients,
        issue_date=issued,
        printed_date=printed,
    )
    notes = _truncation_notes(norm, lines, close, title, outline)
    return meta, page.notes + notes


def _dates(norm: Normalized, closing: list[Line], page: PageInfo, flattened: bool) -> tuple[date | None, date | None]:
    """(issue_date, printed_date) from the closing lines, or the closing run of a text without line breaks.
    The info block's `成文日期` is the date the document bears; a page's `发布时间` is not, and is never read."""
    dated = [(parse_date(m), bool(m.group("printed"))) for ln in closing if (m := DATE_LINE.match(ln.text))]
    issued = next((d for d, p in dated if not p), None)
    printed = next((d for d, p in dated if p), None)
    if flattened and not dated:
        issued, printed = closing_dates(norm.text)
    return issued or page.date("成文日期"), printed


def _run_in_signers(norm: Normalized, span: tuple[int, int] | None) -> list[str] | None:
    """The names between 签发人 and the title of a text without line breaks, when each is a name (2–4 characters
    set apart by 、 or spaces); None when they ran together (`张三李四` cannot be cut)."""
    if not span:
        return None
    start, end = norm.to_orig(*span)
    names = [n for n in re.split(r"[、，,\s]+", norm.original[start:end]) if n]
    return names if names and all(_NAME.match(n) for n in names) else None


def _header_title_issuers(page: PageInfo, title: str) -> list[str] | None:
    """The issuers a title from the page header names (noted as from the header)."""
    issuers = issuers_in_title(title)
    if issuers:
        page.noted("issuers", "标题", title)
    return issuers


# --------------------------------------------------------------------------- header
def _header(norm: Normalized, lines: list[Line], outline: Outline) -> list[Line]:
    """The short lines before the opening paragraph (and before the first heading)."""
    first_heading = norm.to_norm(outline.sections[0].evidence.start) if outline.sections else len(norm.text)
    header = []
    for line in lines:
        if line.start >= first_heading or (len(line.text) >= _INTRO_MIN and not _is_title(line.text)):
            break  # a long title (`…情况和2024年工作安排的报告`) is still header
        header.append(line)
    return header


def _title_lines(header: list[Line]) -> list[Line]:
    """The title: a line ending in 报告 that says 关于 or 法治, or a line naming the year's 法治(政府)建设
    work without 关于 (`青山市人民政府2023年度法治政府建设工作情况`); its issuer part may be the line before."""
    for i, line in enumerate(header):
        if _is_title(line.text):
            # A title printed over two lines: the issuers on one, `关于…报告` or `2022年度…报告` on the next.
            if (
                _TITLE_TAIL.match(line.text)
                and i > 0
                and is_org_line(header[i - 1].text)
                and not header[i - 1].text.endswith("文件")
            ):
                return [header[i - 1], line]
            return [line]
    return []


def _is_title(text: str) -> bool:
    if text.endswith("报告") and ("关于" in text or "法治" in text):
        return True
    return bool(_TITLE_WITHOUT_GUANYU.search(text))


_TITLE_TAIL = re.compile(r"^(?:关于|" + YEAR_DIGITS + r"年)")
_TITLE_WITHOUT_GUANYU = re.compile(YEAR_DIGITS + r"年度?.{0,12}法治.{0,12}(?:情况|总结|报告)$")


def _simplified_title(title: str | None) -> str | None:
    return simplified(title) if title else None


def _compact(norm: Normalized, lines: list[Line]) -> str:
    """The original text of these lines (as printed, not width-folded) with all whitespace and # removed."""
    start, _ = norm.to_orig(lines[0].start, lines[0].end)
    _, end = norm.to_orig(lines[-1].start, lines[-1].end)
    return re.sub(r"[\s#]+", "", norm.original[start:end])


def _title_issuers(norm: Normalized, title_lines: list[Line]) -> list[str] | None:
    if not title_lines:
        return None
    start, _ = norm.to_orig(title_lines[0].start, title_lines[0].end)
    _, end = norm.to_orig(title_lines[-1].start, title_lines[-1].end)
    return issuers_in_title(norm.original[start:end])


def issuers_in_title(printed: str) -> list[str] | None:
    """The issuers a title leads with (`中共白河县委 白河县人民政府关于…`, `青山市司法局2023年度…`), or the body
    it names after 关于 or the year (`关于青山市司法局2023年…`, `2023年度青山市司法局法治…`); as printed."""
    view = simplified(printed)
    before, found, _ = view.partition("关于")  # 關於 too; names are kept as printed
    if not found and (year := YEAR.search(printed)):
        before, found = printed[: year.start()], "year"  # `青山市人民政府2023年度…`: the issuer precedes the year
        if not is_org_line(re.sub(r"[\s#]+", "", simplified(before))):
            before = ""
    before = printed[: len(before)]
    issuers: list[str] = []
    for chunk in before.replace("#", " ").split():  # printed titles separate issuers with spaces
        issuers.extend(split_issuers(chunk))
    if issuers:
        return issuers
    subject = title_subject(view)
    if subject:
        at = re.sub(r"\s+", "", view).find(subject)
        return [re.sub(r"\s+", "", printed)[at : at + len(subject)]]
    return None


def _signature_issuers(closing: list[Line]) -> list[str] | None:
    """Signature lines of the closing block; an organisation right before a 印发 date is the printing office."""
    names = []
    for i, line in enumerate(closing):
        nxt = closing[i + 1].text if i + 1 < len(closing) else ""
        m = DATE_LINE.match(nxt)
        if is_org_line(line.text) and not (m and m.group("printed")):
            names.append(line.text)
    return names or None


def _signers(norm: Normalized, outline: Outline) -> list[str] | None:
    """签发人 names, read from the original lines before the first heading: normalization may join a
    short line containing 、 (`签发人：张三、李四`) to the next. Several signers are laid out per GB/T 9704
    (党政机关公文格式, 7.2.4): left to right and top to bottom, so the names may go on over the next
    lines, each line holding only names."""
    head_end = outline.sections[0].evidence.start if outline.sections else len(norm.original)
    m = _SIGNER_LINE.search(simplified(norm.original[:head_end]))  # 簽發人 too; names are kept as printed
    if not m:
        return None
    names = [n for n in re.split(r"[、，,\s]+", norm.original[m.start("names") : m.end()]) if n]
    for nxt in (r.strip() for r in norm.original[m.end() : head_end].split("\n")):
        if not nxt:
            continue
        if not (_NAME.match(nxt) and not _NOT_A_NAME.search(nxt)):
            break
        names.append(nxt)
    return names or None


def _recipients(header: list[Line]) -> list[str] | None:
    """The 主送 line: the header line that ends with a colon and names bodies (`省委、省政府：`)."""
    for line in header:
        text = line.text
        if text.endswith((":", "：")) and not _SIGNER_LABEL.match(text) and len(text) <= 30:
            names = [n for n in _RECIPIENT_SPLIT.split(text.rstrip(":：")) if n]
            if names and all(is_org_line(n) for n in names):
                return names
    return None


# --------------------------------------------------------------------------- place, level, year
def _printed(norm: Normalized, value: str | None) -> str | None:
    """A value read on the normalized (simplified) text, as printed: `小龍門鄉` for `小龙门乡`."""
    span = norm.find(value) if value else None
    return re.sub(r"\s+", "", norm.original[span[0] : span[1]]) if span else value


def _region(
    header: list[Line],
    issuers: list[str] | None,
    closing: list[Line],
    text: str,
    site_units: list[str] | None = None,
    title: str | None = None,
) -> str | None:
    """The most specific place named by the letterhead, the title, the issuers, the signatures or the web
    info block's 所属单位; else the subject of the opening sentence. Candidates must agree: 青山市白河区 wins
    over 白河区."""
    names = [ln.text.removesuffix("文件") for ln in header if is_org_line(ln.text.removesuffix("文件"))]
    names += [re.sub(r"^(?:关于)?(?:" + YEAR_DIGITS + r"\s*年度?)?", "", title)] if title else []  # `关于青山市司法局…`
    names += issuers or []
    names += [ln.text for ln in closing if is_org_line(ln.text)]
    names += site_units or []
    places = [p for p in map(place_of, names) if p]
    if not places:
        places = [p for p in [_opening_place(header, text) or _body_place(text)] if p]
    if not places:
        return None
    best = max(places, key=len)
    return best if all(best.endswith(p) or p in best or _abbreviates(p, best) for p in places) else places[0]


def _abbreviates(short: str, full: str) -> bool:
    """`黔东南州` for `黔东南苗族侗族自治州`: a letterhead's short name keeps the full name's first
    and last characters and the rest in order."""
    if len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


# The opening sentence's subject is the jurisdiction: `2023年，白河县坚持…`, `今年以来，小龙门乡…`,
# `在市委、市政府的坚强领导下，白河县…`. Leading time and circumstance phrases are skipped; `全县`/`我市`
# name no place.
_OPENING_LEAD = re.compile(
    r"^(?:"
    + YEAR_DIGITS
    + r"年度?(?:以来)?|"
    + lexicon.alternation(_WORDS.table("opening")["time"])
    + r")[，,]?(?:在.{2,30}?下[，,])?|^在.{2,30}?下[，,]"
)
_NOT_A_PLACE = re.compile(r"^[全我本该各此]")


def _opening_place(header: list[Line], text: str) -> str | None:
    for line in text.split("\n")[: len(header) + 3]:
        m = _OPENING_LEAD.match(line)
        if not m:
            continue
        place = place_of(line[m.end() :])
        if place and not _NOT_A_PLACE.match(place):
            return place
    return None


# A web copy without title or opening subject still says which place it is about: it calls itself `全区`/`我县`
# and names the place once, as a clause's subject or at the head of a cited document (`《白河区…方案》`).
_SELF_REFERENCE = re.compile(r"[全我本](?P<kind>" + lexicon.alternation(_WORDS.table("self_reference")["kinds"]) + ")")
_CLAUSE_HEAD = re.compile(r"(?:^|(?<=[《。，,；;：:\n“]))(?=[\u4e00-\u9fff])", re.M)


def _body_place(text: str) -> str | None:
    """The place the body calls itself (`全区`, `我县`), named where a clause or a document title begins; the
    most frequent such name, or None."""
    kinds = Counter(m.group("kind") for m in _SELF_REFERENCE.finditer(text))
    if not kinds:
        return None
    kind = kinds.most_common(1)[0][0]
    named: Counter[str] = Counter()
    for m in _CLAUSE_HEAD.finditer(text):
        place = place_of(text[m.end() : m.end() + 24])
        if place.endswith(kind) and len(place) >= len(kind) + 2 and not _NOT_A_PLACE.match(place):
            named[place] += 1
    return named.most_common(1)[0][0] if named else None


def _admin_level(region: str | None, issuers: list[str] | None, recipients: list[str] | None, text: str) -> str | None:
    """The issuers decide for a department or a body below a county; else the region's own level."""
    by_issuers = issuers_level(issuers) if issuers else None
    if by_issuers:
        return by_issuers
    level = place_level(region or "")
    if level != "city":
        return level
    # A 市 is a prefecture-level city when it reports to the province, a county-level city when it
    # reports to a 市; the addressee says which, else who the opening says leads it (`在市委、市政府…`).
    above = [place_of(r) or r for r in recipients or []]
    if any(p.startswith("市") or (p.endswith("市") and p != region) for p in above):
        return "county"
    if not above and re.search(r"在市委、?市政府", text[:400]):
        return "county"
    return "city"


def _report_year(title: str | None, outline: Outline, text: str) -> int | None:
    """The year reported on: the title's year, else a measures/shortcomings heading's, else the opening
    sentence's (`2023年，…`), else the year before the plans heading's (`三、2024年工作安排`)."""
    if title and (m := _YEAR.search(re.sub(r"\s", "", title))):
        return int(m.group(1))
    for s in outline.sections:
        if s.part in ("measures", "shortcomings") and (m := _YEAR.search(re.sub(r"\s", "", s.heading))):
            return int(m.group(1))
    m = re.search(r"^(" + YEAR_DIGITS + r")年度?(?:以来)?[，,]", text, re.M)
    if m:
        return int(m.group(1))
    for s in outline.sections:
        if s.part == "plans" and (m := _YEAR.search(re.sub(r"\s", "", s.heading))):
            return int(m.group(1)) - 1
    return None


# --------------------------------------------------------------------------- quality
def _truncation_notes(
    norm: Normalized, lines: list[Line], close: int, title: str | None, outline: Outline
) -> list[QualityNote]:
    notes = []
    if title is None and lines:
        start, end = norm.to_orig(lines[0].start, lines[0].end)
        first = norm.original[start:end]
        notes.append(
            QualityNote(
                kind="header_truncated",
                quote=first[:40],
                message=f"the text starts at `{first[:20]}` without a title line: the header (title, issuer, "
                "document number, signers) is cut off",
            )
        )
    body = lines[:close]
    if body and body[-1].text[-1] not in _FINAL:
        start, end = norm.to_orig(body[-1].start, body[-1].end)
        tail = norm.original[max(start, end - 15) : end]
        notes.append(
            QualityNote(
                kind="text_truncated",
                quote=tail,
                section=_section_at(outline, norm, body[-1].end - 1),
                message=f"the text ends mid-sentence at `…{tail}`",
            )
        )
    notes.extend(_gap_notes(norm, outline))
    return notes


# A sentence cut at a page break, resumed by text that cannot continue it: an ordinal that needs a noun
# (`…进军的第一`) followed by a structural particle (`的十九届…`). Ordinary page breaks inside a sentence
# (`341项|经济社会`, `应急预|案`) join cleanly and are not flagged.
_PAGE_BREAK = re.compile(r"\n[ \t\u3000]*\n\s*")
_DANGLING = re.compile(rf"第[{CN_DIGITS}百\d]+$")
_CANNOT_RESUME = re.compile(r"^[的地得之]")


def _gap_notes(norm: Normalized, outline: Outline) -> list[QualityNote]:
    notes = []
    for m in _PAGE_BREAK.finditer(norm.original):
        before = re.sub(r"\s", "", norm.original[max(0, m.start() - 30) : m.start()])
        after = re.sub(r"\s", "", norm.original[m.end() : m.end() + 30])
        if not (_DANGLING.search(before) and _CANNOT_RESUME.match(after)):
            continue
        section = _section_at(outline, norm, norm.to_norm(m.start()) - 1)
        quote = before[-5:]
        notes.append(
            QualityNote(
                kind="page_gap",
                section=section,
                quote=quote,
                message=f"text jumps mid-sentence at a page break: `…{quote}` is followed by `{after[:10]}…`; a page seems to be missing",
            )
        )
    return notes + _skipped_headings(outline)


def _skipped_headings(outline: Outline) -> list[QualityNote]:
    """Sibling headings whose numbers jump (（二） then （四）): the pages between them are missing."""
    notes = []
    last: dict[tuple[str, int], Section] = {}
    for s in outline.sections:
        key = (s.path.rpartition("/")[0], s.level)
        before = last.get(key)
        if before is not None and s.ordinal and before.ordinal and s.ordinal > before.ordinal + 1:
            notes.append(
                QualityNote(
                    kind="page_gap",
                    section=s.path,
                    quote=s.evidence.quote[:20],
                    message=f"headings jump from {before.path} to {s.path}: the text between them is missing",
                )
            )
        last[key] = s
    return notes


def _section_at(outline: Outline, norm: Normalized, norm_pos: int) -> str | None:
    """Path of the deepest section whose body contains this normalized position."""
    pos = norm.orig[norm_pos] if 0 <= norm_pos < len(norm.orig) else None
    if pos is None:
        return None
    inside = [s for s in outline.sections if s.body and s.body.start <= pos < s.body.end]
    return max(inside, key=lambda s: s.level).path if inside else None
