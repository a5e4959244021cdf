"""Personal data with a written form: e-mail, phone, postcode, street address, birth date, school class,
number plate, SNS account. Regular expressions over the normalised text (see personal_text).

Every pattern runs in linear time: quantifiers are bounded or possessive, and a pattern that could
start at every position of a long run (of digits, say) is anchored by a look-behind that only lets
it start where the run starts.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from classifier.personal_text import Word, Words

NAME, ADDRESS, PHONE, EMAIL, OTHER = "name", "address", "phone", "email", "other"

KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
HIRAGANA = "\u3041-\u3096"
KATAKANA = "\u30a1-\u30fa\u30fc"
# Hyphen look-alikes people type in numbers (after NFKC the full-width hyphen-minus is "-").
DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\u2500\u2501\ufe63"
_D = f"[{DASH}]"
_NUM = "[0-9]{1,4}"
_KNUM = "[一二三四五六七八九十〇]{1,4}"
_P = f"(?:{_NUM}|{_KNUM})"


class Found(NamedTuple):
    """A detected stretch of the normalised text."""

    start: int
    end: int
    kind: str
    reason: str


# --- e-mail, SNS --------------------------------------------------------------------------

_LOCAL = r"[A-Za-z0-9_.+%\-]{1,64}"
_LABEL = r"[A-Za-z0-9\-]{1,63}"
_EMAIL_RE = re.compile(
    rf"(?<![A-Za-z0-9_.+%\-]){_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,8}}\.[A-Za-z]{{2,24}}(?![A-Za-z0-9\-])"
)
# Spelled out to fool harvesters: "taro at example dot jp", "taro(at)example.jp", "taro★example.jp".
_AT = (
    r"(?:[ \t]?(?:\(at\)|\[at\]|<at>|\{at\}|\((?:アット|あっと)(?:マーク|まーく)?\)|アット(?:マーク)?|あっと(?:まーく)?"
    r"|★|☆)[ \t]?| at )"
)
_DOT = r"(?:\.|[ \t]?(?:\(dot\)|\[dot\]|<dot>|\{dot\}|\((?:ドット|どっと)\)|ドット|どっと)[ \t]?| dot )"
_SPELLED_EMAIL_RE = re.compile(
    rf"(?<![A-Za-z0-9_.+%\-])[A-Za-z0-9][A-Za-z0-9_.+%\-]{{0,63}}{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{0,8}}"
    rf"{_DOT}[A-Za-z]{{2,24}}(?![A-Za-z0-9\-])",
    re.IGNORECASE,
)
_SNS_RE = re.compile(
    r"https?://(?:www\.)?(?:twitter\.com|x\.com|instagram\.com|facebook\.com|fb\.com|tiktok\.com|"
    r"note\.com|ameblo\.jp|youtube\.com|threads\.net|line\.me|bsky\.app)/[^\s、。)）」』】<>\"']{1,200}",
    re.IGNORECASE,
)
_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_@.])@[A-Za-z0-9_]{3,30}(?![A-Za-z0-9_@])")


# --- phone ----------------------------------------------------------------------------------

_SEP = rf"(?:[ \t]?{_D}[ \t]?|[ \t.]|\)[ \t]?|\()"
# An opening parenthesis belongs to the number only around its area code (「(0422)51-5111」); one that
# merely encloses the number (「（090-1234-5678）」) stays outside the span.
_PHONE_RE = re.compile(
    rf"(?<![0-9+])(?:(?:\+81{_SEP}?(?:\(0\))?|\(0(?=[0-9]{{1,4}}\))|0)[0-9]{{1,4}}{_SEP}[0-9]{{1,4}}{_SEP}[0-9]{{3,4}}"
    r"|0[0-9]{9,10})(?![0-9])"
)


def _phone_digits_ok(match: str) -> bool:
    digits = re.sub(r"[^0-9]", "", match)
    if match.startswith("+"):
        rest = digits[2:].removeprefix("0") if match.startswith("+81") else ""
        return len(rest) in (9, 10)
    return len(digits) in (10, 11)


# --- postcode and street address -------------------------------------------------------------

_POSTAL_RE = re.compile(rf"(?:〒|郵便番号|郵便)[ \t]?[:：]?[ \t]?[0-9]{{3}}[ \t]?{_D}?[ \t]?[0-9]{{4}}(?![0-9])")
_BARE_POSTAL_RE = re.compile(rf"(?<![0-9{DASH}])[0-9]{{3}}{_D}[0-9]{{4}}(?![0-9{DASH}])")
_SEP_HOUSE = rf"(?:番地の?|番の?|号の?|の|{_D})"
_HOUSE = rf"{_P}(?:[ \t]?{_SEP_HOUSE}[ \t]?{_P}){{0,4}}(?:番地|番|号室|号)?"
_CHOME = rf"{_P}[ \t]?丁目"
# A district number (丁目), or house numbers with at least two parts or a 番地/番.
# Numbers followed by a counter are a count or a range (「吉祥寺2-3人」「5-10分」), not a house number.
_NOT_HOUSE_AFTER = "(?![0-9一二三四五六七八九十〇人分年月日時回個件名歳才円万割%％位倍度章節頁台本枚冊週ヶか箇カ〜~])"
_ADDRESS_TAIL_RE = re.compile(
    rf"(?<![0-9{DASH}])(?:(?P<chome>{_CHOME})(?:[ \t]?{_HOUSE}{_NOT_HOUSE_AFTER})?"
    rf"|{_P}(?:{_SEP_HOUSE}{_P}){{1,4}}(?:番地|番|号室|号)?{_NOT_HOUSE_AFTER}"
    rf"|{_P}(?:番地|番)(?:[ \t]?{_P}号?)?{_NOT_HOUSE_AFTER})"
)
_BUILDING_RE = re.compile(
    rf"[ \t]{{0,2}}(?P<name>[^\s、。,，:：;；()（）「」『』【】<>\[\]]{{0,24}}?)[ \t]?"
    rf"(?P<room>[0-9]{{1,4}}(?:号棟|棟|号館|館)?[ \t{DASH}]?(?:[0-9]{{1,4}})?(?:号室|号|F|階)?)"
    rf"(?![0-9{DASH}年月日時分円人歳名件回個万千百%])"
)
_BUILDING_WORDS = re.compile(
    "ハイツ|コーポ|マンション|ビル|荘|レジデンス|ハウス|アパート|パレス|メゾン|コート|ヒルズ|タワー|団地|住宅|"
    "棟|寮|ハイム|プラザ|テラス|ガーデン|シティ|パーク|ヴィラ|シャトー|ドミール|グラン|ロイヤル|カーサ|フラット"
)
_BUILDING_NAME_RE = re.compile(f"[{KATAKANA}{KANJI}A-Za-z0-9・]+")
_HAS_KATAKANA_RE = re.compile(f"[{KATAKANA}]")
_NOT_BUILDING = re.compile(
    r"電話|携帯|TEL|Tel|tel|FAX|Fax|fax|メール|mail|Mail|連絡|番号|内線|[0-9]{5}|[年月日時分円人歳名件回個]$"
)
# A district written as a place reference, not as where someone lives: 「中町2丁目の公園」.
_LOCATION_AFTER_RE = re.compile(
    "の?(?:付近|周辺|あたり|辺り|界隈|方面|地域|地区|エリア|一帯|公園|交差点|バス停|商店街|自治会|町会|町内会|"
    "集会所|団地|通り|駅|側|方|辺|全体|全域|内|以外)"
    "|に(?:ある|あった|できた|建つ|新しく)|の(?:店|お店|施設|会館|センター|保育園|幼稚園|学校|病院|道路|歩道|信号|踏切|空き家)"
)
_ADMIN = ("都", "道", "府", "県", "市", "区", "町", "村", "郡", "字", "大字")
# A municipality written before the town: 「大阪府豊中市桜の町」「三鷹市下連雀」 (searched in a short
# window that ends where the house number starts).
_MUNICIPALITY_RE = re.compile(
    f"(?:[{KANJI}]{{1,4}}(?:都|道|府|県))?(?:[{KANJI}]{{1,6}}?(?:市|区|郡|町|村)){{1,2}}"
    f"[{KANJI}{HIRAGANA}{KATAKANA}ヶケノ・]{{0,8}}$"
)
_TOWN_SUFFIX = tuple("町村区市郡")


_KANJI_RE = re.compile(f"[{KANJI}]+")
_LETTER_BEFORE_RE = re.compile(f"[{KANJI}{HIRAGANA}{KATAKANA}A-Za-z]")
_MUNICIPALITY_CHARS = re.compile("[都道府県市区郡町村]")


@functools.lru_cache(maxsize=32)
def _places_re(places: frozenset[str]) -> tuple[re.Pattern | None, int]:
    """A pattern matching any of the places at the end of a window, and the longest place's length."""
    if not places:
        return None, 0
    alternatives = "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})$"), max(map(len, places))


class _WordEnding:
    """The word ending at an offset, made on demand."""

    def __init__(self, words: Words):
        self.words = words
        self.index = dict(zip(words.ends, range(len(words)), strict=True))

    def get(self, end: int) -> Word | None:
        i = self.index.get(end)
        return None if i is None else self.words[i]


_ERAS = ("明治", "大正", "昭和", "平成", "令和")
_DIRECTIONS = "上下東西南北新元本中"


def _is_place_word(word: Word) -> bool:
    """A word that can be part of a place name before a house number: a place, an administrative unit,
    a noun ending in 町/村/区/市, or another proper noun (UniDic reads some towns as names: 下連雀)."""
    return word.is_place or word.surface in _ADMIN or (
        word.is_noun and len(word.surface) > 1 and word.surface.endswith(_TOWN_SUFFIX)
        and _KANJI_RE.fullmatch(word.surface) is not None) or (
        word.is_proper_noun and len(word.surface) > 1 and word.surface not in _ERAS)


def _place_before(norm: str, end: int, places: frozenset[str], word_ending: _WordEnding) -> int | None:
    """Start of the place names (town, city, prefecture) written right before `end`, else None."""
    places_re, longest = _places_re(places)
    begin = end
    while begin > 0:
        step = begin
        if places_re is not None:
            m = places_re.search(norm, max(0, begin - longest), begin)
            if m:
                step = m.start()
        word = word_ending.get(begin)
        if word is not None and word.start < step and _is_place_word(word):
            step = word.start
        if step == begin and begin < end and norm[begin - 1] in " \t":
            # One space between the parts: 「武蔵野市　中町　1-2-3」.
            word = word_ending.get(begin - 1)
            if word is not None and _is_place_word(word):
                step = word.start
            elif places_re is not None:
                m = places_re.search(norm, max(0, begin - 1 - longest), begin - 1)
                if m:
                    step = m.start()
        if step == begin and begin > 0 and norm[begin - 1] in _DIRECTIONS:
            # 「西荻北」「上石神井」: a direction or 上/下/新 joined to a place name.
            before = word_ending.get(begin - 1)
            if before is not None and _is_place_word(before):
                step = before.start
            elif begin < end and (begin == 1 or not _KANJI_RE.match(norm, begin - 2)):
                step = begin - 1
        if step == begin:
            break
        begin = step
    window_start = max(0, end - 30)
    if _MUNICIPALITY_CHARS.search(norm, window_start, end):
        m = _MUNICIPALITY_RE.search(norm, window_start, end)
        if m and m.start() < begin and (m.start() == window_start or not _KANJI_RE.match(norm, m.start() - 1)):
            begin = m.start()
    return begin if begin < end else None


def address_spans(norm: str, words: Words, places: frozenset[str]) -> list[Found]:
    """Street addresses (a place name followed by 丁目 or house numbers), with a postcode and building."""
    word_ending = _WordEnding(words)
    found = []
    for m in _ADDRESS_TAIL_RE.finditer(norm):
        tail_start = m.start()
        if norm[tail_start] == "0":
            continue  # a phone number after a place name, not a house number
        anchor = tail_start - 1 if norm[tail_start - 1:tail_start] in (" ", "\t") else tail_start
        if anchor == 0 or not _LETTER_BEFORE_RE.match(norm, anchor - 1):
            continue
        begin = _place_before(norm, anchor, places, word_ending)
        if begin is None:
            continue
        end = m.end()
        chome_only = m.group("chome") is not None and m.end("chome") == end
        if chome_only and _LOCATION_AFTER_RE.match(norm, end):
            continue
        building = None if chome_only else _BUILDING_RE.match(norm, end)
        if building and building.group("room"):
            name = building.group("name")
            if not _NOT_BUILDING.search(name + building.group("room")) and (
                    _BUILDING_WORDS.search(name) or building.group("room").endswith("号室")
                    or (name and _BUILDING_NAME_RE.fullmatch(name) and _HAS_KATAKANA_RE.search(name))):
                end = building.end()
        reason = "丁目まで書かれた住所のため" if chome_only else "番地まで書かれた住所のため"
        found.append(Found(begin, end, ADDRESS, reason))
    return found


def postcode_spans(norm: str) -> tuple[list[Found], list[Found]]:
    """(labelled postcodes 〒/郵便番号, bare NNN-NNNN that count only right before an address)."""
    labelled = [Found(m.start(), m.end(), ADDRESS, "郵便番号のため") for m in _POSTAL_RE.finditer(norm)]
    bare = [Found(m.start(), m.end(), ADDRESS, "住所の郵便番号のため") for m in _BARE_POSTAL_RE.finditer(norm)]
    return labelled, bare


# --- birth date, school class, number plate -----------------------------------------------------

_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR]\.?)"
_Y = r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3}|元)"
_MD = r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_DATE_JP = rf"(?:{_ERA}[ \t]?{_Y}[ \t]?年|(?:19|20)[0-9]{{2}}[ \t]?年)[ \t]?{_MD}[ \t]?月[ \t]?{_MD}[ \t]?日"
_DATE_NUM = rf"(?:{_ERA}[ \t]?[0-9]{{1,2}}|(?:19|20)[0-9]{{2}})[./／][0-9]{{1,2}}[./／][0-9]{{1,2}}"
_BIRTH_RE = re.compile(
    rf"(?:{_DATE_JP}|{_DATE_NUM})[ \t]?(?:生まれ|生|うまれ|誕生)"
    rf"|(?:生年月日|誕生日)[ \t]*[:：]?[ \t]*"
    rf"(?:{_DATE_JP}|{_DATE_NUM}|{_ERA}?[0-9]{{2,4}}[./／-][0-9]{{1,2}}[./／-][0-9]{{1,2}})"
)
_G = r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2})"
_SCHOOL_RE = re.compile(
    rf"(?P<name>[{KANJI}]{{1,10}}?)(?:小学校|中学校|義務教育学校|高等学校|高校|小学|中学|小|中|幼稚園|保育園|こども園)"
    rf"(?:の)?[ \t]?{_G}[ \t]?年"
    rf"(?:生|[ \t]?{_G}[ \t]?組|[ \t]?[A-Za-z{HIRAGANA}{KATAKANA}]組|(?![0-9間度前後目半以来余ぶ]))"
)
# School "names" that name no school: 「市内の小中学校」「各小学校」.
_GENERIC_SCHOOL = re.compile(
    r"(?:市立|都立|区立|町立|村立|県立|府立|国立|私立|公立)?(?:各|全|市内|近隣|近く|地域|地元|同じ|小|中|小中|他|別|第)?"
)
# The municipality that runs a school, written before its name (「武蔵野市立」「東京都立」): the span starts
# at the school's own name.
_SCHOOL_OWNER_RE = re.compile(f"[{KANJI}]{{1,6}}?[都道府県市区町村]立")
_PLATE_RE = re.compile(
    rf"[{KANJI}]{{1,4}}[ \t]?[0-9]{{2,3}}[ \t]?[{HIRAGANA}][ \t]?"
    rf"(?:[0-9]{{1,2}}[ \t]?{_D}[ \t]?[0-9]{{2}}|[・.･]{{1,3}}[ \t]?[0-9]{{1,3}})(?![0-9])"
)


def other_spans(norm: str) -> list[Found]:
    """Birth dates, a child's school and class, car number plates, SNS accounts."""
    found = [Found(m.start(), m.end(), OTHER, "生年月日のため") for m in _BIRTH_RE.finditer(norm)]
    for m in _SCHOOL_RE.finditer(norm):
        if _GENERIC_SCHOOL.fullmatch(m.group("name")):
            continue
        owner = _SCHOOL_OWNER_RE.match(m.group("name"))
        start = m.start() + owner.end() if owner and owner.end() < len(m.group("name")) else m.start()
        found.append(Found(start, m.end(), OTHER, "お子さんの学校と学年・組のため"))
    found += [Found(m.start(), m.end(), OTHER, "自動車のナンバーのため") for m in _PLATE_RE.finditer(norm)]
    found += [Found(m.start(), m.end(), OTHER, "SNSのアカウント（個人を特定できる情報）のため")
              for m in _SNS_RE.finditer(norm)]
    found += [Found(m.start(), m.end(), OTHER, "SNSのアカウント（個人を特定できる情報）のため")
              for m in _HANDLE_RE.finditer(norm)]
    return found


def contact_spans(norm: str) -> list[Found]:
    """E-mail addresses (also spelled out) and phone numbers."""
    found = [Found(m.start(), m.end(), EMAIL, "メールアドレスのため") for m in _EMAIL_RE.finditer(norm)]
    found += [Found(m.start(), m.end(), EMAIL, "メールアドレス（記号を言い換えたもの）のため")
              for m in _SPELLED_EMAIL_RE.finditer(norm)]
    found += [Found(m.start(), m.end(), PHONE, "電話番号のため") for m in _PHONE_RE.finditer(norm)
              if _phone_digits_ok(m.group())]
    return found
