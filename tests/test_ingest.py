"""Reading a report file: encodings, hashes, and every kind of input that must be refused."""

from __future__ import annotations

import codecs
import hashlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import InputError
from extractor.text.ingest import decode, read_document


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- encodings
def test_utf8_seed_reads_with_its_hash_and_char_count(seed_paths):
    path = seed_paths[0]
    doc = read_document(path)
    data = path.read_bytes()
    assert doc.encoding == "utf-8"
    assert doc.text == data.decode("utf-8")
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.chars == len(doc.text)
    assert doc.name == path.name and doc.path == path


def test_gb18030_copy_decodes_to_the_same_text(tmp_path, seed_paths):
    for path in seed_paths:
        text = path.read_bytes().decode("utf-8")
        doc = read_document(_write(tmp_path, path.name, text.encode("gb18030")))
        assert doc.encoding == "gb18030"
        assert doc.text == text


def test_gbk_copy_is_read_as_gb18030(tmp_path, seed_text):
    # GBK is a subset of GB18030; seed 003 has no character outside GBK.
    text = seed_text("003")
    doc = read_document(_write(tmp_path, "gbk.txt", text.encode("gbk")))
    assert (doc.encoding, doc.text) == ("gb18030", text)


def test_utf16_copy_with_bom_decodes_to_the_same_text(tmp_path, seed_text):
    text = seed_text("001")
    for data in (text.encode("utf-16"), codecs.BOM_UTF16_BE + text.encode("utf-16-be")):
        doc = read_document(_write(tmp_path, "u16.txt", data))
        assert (doc.encoding, doc.text) == ("utf-16", text)


def test_utf8_bom_copy_strips_the_bom_and_keeps_the_text(tmp_path, seed_text):
    text = seed_text("002")
    doc = read_document(_write(tmp_path, "bom.txt", codecs.BOM_UTF8 + text.encode("utf-8")))
    assert doc.encoding == "utf-8-sig"
    assert doc.text == text and not doc.text.startswith("\ufeff")


def test_line_endings_are_kept_as_decoded_because_offsets_point_into_them(tmp_path):
    doc = read_document(_write(tmp_path, "crlf.txt", "一、工作情况\r\n\r\n法治政府建设。\r\n".encode("utf-8")))
    assert doc.text == "一、工作情况\r\n\r\n法治政府建设。\r\n"


def test_hash_is_of_the_bytes_not_the_text(tmp_path, seed_text):
    data = seed_text("003").encode("gb18030")
    doc = read_document(_write(tmp_path, "gb.txt", data))
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


_TEXT = st.text(
    alphabet=st.sampled_from(list("法治政府建设年度报告一二三四五六七八九十是，。；：、（）“”《》0123456789abcXYZ \n")),
    min_size=1,
    max_size=200,
).filter(lambda t: t.strip())


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_text_survives_a_round_trip_through_every_bom_encoding(text):
    assert decode(text.encode("utf-8"), "x.txt") == (text, "utf-8")
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8"), "x.txt") == (text, "utf-8-sig")
    assert decode(text.encode("utf-16"), "x.txt") == (text, "utf-16")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_raise_input_error_never_anything_else(data):
    try:
        text, encoding = decode(data, "x.bin")
    except InputError as err:
        assert err.file == "x.bin" and err.hint
    else:
        assert encoding in ("utf-8", "utf-8-sig", "utf-16", "gb18030") and text.strip()


# --------------------------------------------------------------------------- refusals
def _refusal(path, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path, **kw)
    err = info.value
    assert err.file == path.name and err.hint, "every refusal names the file and says what to do"
    assert "\n" not in str(err), "the CLI prints it as one line"
    assert path.name in str(err)
    return err


def test_empty_file_is_refused(tmp_path):
    err = _refusal(_write(tmp_path, "empty.txt", b""))
    assert err.message == "empty file (0 bytes)"


def test_whitespace_only_file_is_refused_as_empty(tmp_path):
    err = _refusal(_write(tmp_path, "blank.txt", " \n\n\u3000\t\r\n".encode("utf-8")))
    assert err.message == "empty file (only whitespace)"


def test_bom_only_file_is_refused_as_empty(tmp_path):
    err = _refusal(_write(tmp_path, "bom.txt", codecs.BOM_UTF8))
    assert err.message.startswith("empty file")


def test_nul_bytes_without_utf16_bom_are_binary(tmp_path):
    err = _refusal(_write(tmp_path, "img.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))))
    assert err.message == "binary file (contains NUL bytes)"
    assert "UTF-16" in err.hint


def test_utf16_without_bom_is_refused_with_a_hint_to_add_one(tmp_path):
    # Digits and line breaks give UTF-16 text NUL bytes.
    err = _refusal(_write(tmp_path, "u16le.txt", "2022年法治政府建设报告\n".encode("utf-16-le")))
    assert "NUL" in err.message and "BOM" in err.hint


def test_utf16_without_bom_or_nul_bytes_is_not_mistaken_for_gb18030(tmp_path):
    # Hanzi-only UTF-16 has no NUL byte and is valid GB18030 — as rare, traditional characters.
    data = "法治政府建设报告".encode("utf-16-le")
    data.decode("gb18030")  # precondition: the codec itself accepts it
    err = _refusal(_write(tmp_path, "u16le.txt", data))
    assert err.message.startswith("binary or undecodable file")


def test_bytes_no_candidate_encoding_accepts_are_binary(tmp_path):
    # 0x80 and 0xFF are invalid as UTF-8 lead bytes and as GB18030 bytes.
    err = _refusal(_write(tmp_path, "junk.dat", b"\x80\xff" * 50))
    assert err.message.startswith("binary or undecodable file")


def test_random_high_bytes_that_gb18030_happens_to_accept_are_still_binary(tmp_path):
    # Valid GB18030 four-byte sequences that decode to rare code points, not to report text.
    data = bytes([0x95, 0x32, 0x82, 0x36]) * 40
    data.decode("gb18030")  # precondition: the codec itself accepts it
    err = _refusal(_write(tmp_path, "rare.dat", data))
    assert err.message.startswith("binary or undecodable file")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, seed_paths):
    path = seed_paths[0]
    size = path.stat().st_size
    err = _refusal(path, max_bytes=1000)
    assert err.message == f"file too large ({size} bytes > limit 1000 bytes)"


def test_file_exactly_at_the_limit_is_read(tmp_path):
    data = "法治政府建设".encode("utf-8")
    assert read_document(_write(tmp_path, "ok.txt", data), max_bytes=len(data)).text == "法治政府建设"


def test_missing_file_is_refused(tmp_path):
    err = _refusal(tmp_path / "nope.txt")
    assert err.message == "no such file"


def test_directory_is_refused_with_a_hint_to_use_batch(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    err = _refusal(folder)
    assert err.message == "is a directory, not a report file"
    assert "batch" in err.hint


def test_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = _write(tmp_path, "secret.txt", "法治".encode("utf-8"))

    def denied(self):  # chmod 0 does not stop root, who runs CI containers; fail the read directly
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", denied)
    err = _refusal(path)
    assert err.message == "cannot read the file: Permission denied"


# -- files that are not text, and text cut short ------------------------------------------------------------


def test_a_file_cut_inside_its_last_utf8_character_is_read_with_a_note(tmp_path):
    text = "某县人民政府关于法治政府建设工作情况的报告\n全年办理行政复议案件12件。"
    data = text.encode("utf-8")[:-2]  # the last character (。, 3 bytes) loses two bytes
    doc = read_document(_write(tmp_path, "cut.txt", data))
    assert doc.encoding == "utf-8" and doc.text == text[:-1] + "\ufffd"
    assert [kind for kind, _ in doc.notes] == ["truncated_encoding"]


def test_a_bad_byte_in_the_middle_is_still_refused_and_says_where(tmp_path):
    data = "法治政府建设报告".encode("utf-8") + b"\xff" + "全年办理案件。".encode("utf-8")
    err = _refusal(_write(tmp_path, "bad.txt", data))
    assert "not valid UTF-8 at byte 24 (0xff)" in err.message


@pytest.mark.parametrize("data, name, what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.pdf", "a damaged PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml word/document.xml", "report.docx", "not a readable Word .docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "report.doc", "Word .doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "report.wps", "a WPS Office document"),
    (b"{\\rtf1\\ansi report}", "report.rtf", "an RTF document"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml xl/workbook.xml", "report.xlsx", "a ZIP archive"),
])
def test_damaged_and_unread_document_formats_are_named_with_what_to_do(tmp_path, data, name, what):
    # PDF, Word and web pages are read (tests/test_formats.py); a damaged one, or a format that is not read,
    # is one line naming what it is and what to do.
    err = _refusal(_write(tmp_path, name, data))
    assert what in err.message and err.hint


def test_a_named_pipe_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in _refusal(fifo).message
