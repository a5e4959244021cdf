"""Invisible characters hide nothing, offsets stay exact, and no input makes the scan slow or wrong.

Speed is measured by bench/personal_bench.py; the timeouts here only catch a hang.
"""

import threading

import pytest

from classifier.personal import find_personal_data
from classifier.personal_text import Normalized

FORMAT_CHARACTERS = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
    "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\U000e0001", "\U000e0041", "\U000e007f", "\u00ad", "\ufe0f",
]


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    spans = find_personal_data(text)
    for span in spans:
        assert text[span.start:span.end] == span.text
    return [(s.kind, s.text) for s in spans]


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_a_format_character_inside_a_phone_number_hides_nothing(char):
    phone = f"090{char}-12{char}34-5678"
    text = f"電話は{phone}です。"
    assert kinds_and_texts(text) == [("phone", phone)]
    (span,) = find_personal_data(text)
    assert (span.start, span.end) == (3, 3 + len(phone))


@pytest.mark.parametrize("char", ["\u200b", "\u2060", "\u202e", "\U000e0020", "\u00ad"])
def test_format_characters_inside_a_name_an_email_and_an_address(char):
    text = f"窓口の桐{char}山さんに、mirai{char}@example.jp へ。武蔵野市中町1-{char}2-3"
    assert kinds_and_texts(text) == [
        ("name", f"桐{char}山"), ("email", f"mirai{char}@example.jp"), ("address", f"武蔵野市中町1-{char}2-3"),
    ]


def test_spans_do_not_start_or_end_on_invisible_characters():
    text = "\u200b\u200b0422-99-1234\u200b\u200bです"
    (span,) = find_personal_data(text)
    assert span.text == "0422-99-1234"


def test_offsets_are_python_characters_after_expanding_and_merging_characters():
    # ㈱ expands to three characters, ｶﾞ merges into one, 😀 is one Python character (two UTF-16 units).
    text = "㈱ｶﾞｽ😀の桐山さん😀 電話 ０９０－１２３４－５６７８"
    spans = find_personal_data(text)
    assert [(s.kind, s.text) for s in spans] == [("name", "桐山"), ("phone", "０９０－１２３４－５６７８")]
    assert text[spans[0].start:spans[0].end] == "桐山"


def test_normalisation_maps_every_character_back():
    text = "Ａ\u200bｶﾞ㈱\u3000x\U000e0041y"
    n = Normalized(text)
    assert n.norm == "Aガ(株) xy"
    assert n.original_span(0, 1) == (0, 1)
    assert n.original_span(1, 2) == (2, 4)  # ｶﾞ
    assert n.original_span(2, 5) == (4, 5)  # ㈱ -> (株)
    assert n.original_span(6, 8) == (6, 9)  # x, tag character, y


def scan_with_timeout(text: str, seconds: float = 20.0):
    """The spans of text; fails (instead of hanging the suite) if the scan does not finish in time."""
    result = {}

    def run():
        result["spans"] = find_personal_data(text)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"scan of {len(text)} characters did not finish in {seconds} s"
    return result["spans"]


N = 100_000


@pytest.mark.parametrize("text", [
    "7" * N,
    "１" * N,
    "森" * N,
    "あ" * N,
    "ア" * N,
    "ｱ" * N,
    "a" * N,
    "😀" * N,
    "-" * N,
    ("1-" * N)[:N],
    ("12-" * N)[:N],
    ("1番" * N)[:N],
    ("a@" * N)[:N],
    ("a." * N)[:N],
    ("町1" * N)[:N],
    ("氏名：" * N)[:N],
    ("\u200b7" * N)[:N],
    "(" * N,
    ("ア・" * N)[:N],
], ids=lambda t: f"{t[:3]!r}")
def test_long_runs_are_scanned_quickly_and_find_nothing(text):
    assert scan_with_timeout(text) == []


def test_a_long_text_with_personal_data_throughout_is_scanned_whole():
    block = "意見です。窓口の桐山さんに感謝します。電話0422-99-1234。\n"
    text = (block * (N // len(block) + 1))[:N]
    spans = scan_with_timeout(text)
    copies = N // len(block)
    assert sum(s.kind == "name" for s in spans) >= copies
    assert sum(s.kind == "phone" for s in spans) >= copies
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_personal_data_after_a_long_run_is_still_found():
    text = "7" * N + " 電話 0422-99-1234 " + "ア" * N + "\n以上\n\n上杉 正志"
    spans = scan_with_timeout(text)
    assert [(s.kind, s.text) for s in spans] == [("phone", "0422-99-1234"), ("name", "上杉 正志")]
    assert spans[0].start == N + 4


def test_characters_mecab_cannot_read_are_skipped_not_fatal():
    text = "\ud800窓口の桐山さん\x00電話 0422-99-1234"
    assert kinds_and_texts(text) == [("name", "桐山"), ("phone", "0422-99-1234")]
