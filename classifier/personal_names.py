"""Person names in comment texts: where people write names, and what a name looks like there.

Names are found in the places a letter puts them, not by a list of names:
- before an honorific (「鈴木さん」「北村様」「佐藤先生」) and in self-introductions
  (「鈴木一郎です。」「…と申します」, in romaji 「Hiroshi Tanaka です」「My name is …」);
- in signature and header lines, the short lines at the end or start of a letter that hold a town, a group,
  a role and a name (「桜堤二丁目　山田 花子」「理事長　鈴木 一郎」「（中町　田中）」), and in labelled fields
  (「氏名：」「提出者：」「記録：」「代表：」);
- right before contact data (「問い合わせは田中 090-…」「石井まで（090-…）」) or inside a parenthesis after it;
- where UniDic reads a family name followed by a given name (姓 + 名), and after 「担当の」「窓口の」.
What stands in such a place must also look like a name (kanji, kana, romaji of name length) and UniDic must
not read it as an ordinary word (役職, 団体, 地名). Town names of the consultation are never names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable

from classifier.personal_patterns import HIRAGANA, KANJI, KATAKANA, NAME, Found
from classifier.personal_text import Word, Words, analyse

_K, _H, _KT = f"[{KANJI}]", f"[{HIRAGANA}]", f"[{KATAKANA}]"
_KANJI_ONLY_RE = re.compile(f"{_K}+")
_SURNAME_SHAPE = re.compile(f"{_K}{{1,4}}|{_KT}{{2,6}}|{_H}{{2,5}}")
_GIVEN_SHAPE = re.compile(
    f"{_K}{{1,3}}|{_H}{{1,5}}|{_KT}{{1,5}}|[{HIRAGANA}{KATAKANA}]{{1,3}}子|{_K}[{HIRAGANA}]{{1,2}}"
)
_JOINED_SHAPE = re.compile(f"{_K}{{1,3}}(?:{_K}{{1,3}}|{_H}{{2,4}}|{_KT}{{2,4}}|[{HIRAGANA}{KATAKANA}]{{1,3}}子)")
_FOREIGN_SHAPE = re.compile(f"{_KT}{{2,10}}(?:[・=]{_KT}{{1,10}}){{1,3}}")
_ROMAJI_WORD = re.compile(r"[A-Z][a-z]{1,15}|[A-Z]{2,15}")
_HONORIFICS = ("さん", "様", "さま", "氏", "先生", "君", "くん", "ちゃん", "殿")
_HONORIFIC_RE = re.compile("(?:さん|様|さま|氏|先生|君|くん|ちゃん|殿|より|拝|宛)$")
_HONORIFIC_FIND_RE = re.compile("さん|様|さま|氏|先生|君|くん|ちゃん|殿")
_LETTER_AFTER_RE = re.compile(f"[A-Za-z0-9{KANJI}{HIRAGANA}{KATAKANA}]")
_INTRODUCTIONS = ("です", "と申します", "と言います", "といいます", "でございます", "と申す")
_INTRODUCTION_RE = re.compile("|".join(_INTRODUCTIONS))

# Family names that UniDic reads, out of context, as an ordinary word or a place.
COMMON_WORD_SURNAMES = frozenset(
    "林 森 原 堀 岸 辻 関 泉 谷 畑 杉 柳 滝 岩 坂 島 門 東 南 西 北 星 浜 宮 丸 松 菊 梅 竹 芝 池 村 沢 堤 "
    "上野 千葉 安田 川崎 本田 松下 大橋 馬場 大島 成田 瀬戸 筒井 新田 小山 石橋 中島 高山 松本 久保 三浦 "
    "小田 中野".split()
)
# Words UniDic may read as a person's name that are not one here.
NOT_NAMES = frozenset(
    "令和 平成 昭和 大正 明治 武蔵野 吉祥寺 三鷹 市長 副市長 プレイス コミセン 市民 住民 区民 町民 以上 敬具 草々 "
    "拝啓 謹白 かしこ 不一 匿名 匿名希望 無記名 一市民 署名 追伸 御中 各位 一同 有志 同上 なし 無し 特になし 記 "
    "担当 事務局 代表 会長 委員長 課長 部長 係長 理事長 主婦 会社員 学生 自営業 無職 年金生活者 高齢者 ボランティア "
    "よろしく 宜しく 乱筆 乱文 失礼 感謝 東京 日本 東京都 多摩 以下 本文 件名 宛先 題名 以上です".split()
)
_ROLE_WORDS = (
    "代表|代表者|副代表|共同代表|会長|副会長|理事長|副理事長|理事|監事|事務局長|事務局次長|事務局|会計|書記|幹事|"
    "幹事長|世話人|発起人|呼びかけ人|管理人|代理人|代表取締役|取締役|社長|店主|委員長|副委員長|委員|運営委員|"
    "自治会長|町会長|部長|課長|係長|主任|担当|担当者|顧問|園長|校長|教頭|館長|施設長|所長|院長|議員|主宰|会員|"
    "班長|組長|団長|隊長|座長|議長|司会|講師|教諭|教員|保育士|看護師|職員|社員|会社員|主婦|学生|自営業|"
    "ボランティア|コーディネーター|リーダー|サブリーダー|スタッフ|マネージャー|オーナー|メンバー|代筆|記録|書いた人|"
    "連絡担当|連絡係|窓口|世話役|相談役|事務|庶務|広報|渉外"
)
# Who the writer is to someone (「祖母　菅野」): a role only as a whole field (many given names end in 夫).
_KIN_WORDS = "母|父|妻|夫|娘|息子|孫|祖母|祖父|長男|長女|次男|次女|保護者|親|家族|本人|代理"
_ROLE_RE = re.compile(
    f"(?:元|前|副|共同|名誉)?(?:{_ROLE_WORDS}|{_KIN_WORDS})|.{{0,20}}(?:長|員|役|係|局|{_ROLE_WORDS})"
)
_GROUP_RE = re.compile(
    "(?:NPO|npo|一般社団法人|一般財団法人|公益社団法人|社会福祉法人|特定非営利活動法人|有限会社|株式会社|合同会社|\\(株\\)|\\(有\\)).*"
    "|.*(?:会|クラブ|サークル|グループ|団|隊|部|教室|ひろば|広場|文庫|舎|工房|法人|協会|連合|連盟|ネット|"
    "ネットワーク|センター|館|室|園|所|店|社|組合|基金|財団|の家|食堂|カフェ|サロン|塾|講座|学級|一同|チーム|"
    "プロジェクト|委員会|実行委員会|事務所|会社|学校|大学|病院|施設|コーラス|合唱団|バンド|劇団)"
    "|.*[「」『』\"].*"
)
_PLACE_FIELD_RE = re.compile(f".*(?:在住|在勤|在学|住まい|在|市民|住民|区民|町民)|{_K}+(?:町|丁目|市|区|村|郡)")
_LABEL_RE = re.compile(
    "(?:^|(?<=[\\s、。,(\\[【「:：]))(?P<label>氏名|お名前|名前|ご芳名|芳名|ふりがな|フリガナ|署名|記名|提出者名?|"
    "代表者名?|差出人|発信者|送信者|投稿者|記入者|申込者|申請者|回答者|作成者|報告者|筆者|発言者?|発表者|書いた人|"
    "記録者?|記|文責|担当者名?|担当|連絡担当|連絡者名?|問い?合わせ先?|問合せ先?|連絡先|世話人|事務局|代表|"
    "[Nn]ame|NAME|From|FROM|from)"
    "(?:[ \\t]*[:：][ \\t]*|[ \\t]+|・)"
)
_LABEL_WITHOUT_COLON = re.compile(
    "氏名|お名前|名前|ふりがな|フリガナ|署名|提出者名?|代表者名?|差出人|世話人|事務局|代表|担当者?|連絡担当"
)
_TRAILING_NOISE = re.compile(
    "(?:[0-9]{1,3}|[一二三四五六七八九十百]{1,4})(?:歳|才)|TEL|Tel|tel|電話|携帯|メール|E-?[Mm]ail|e-?mail|mail|FAX|Fax|"
    "連絡先|〒|代筆|拝|より|記|宛|です|さん|様|さま|殿|御中|各位|へ"
)
_ROMAJI_STOP = frozenset(
    "The And For With Best Regards Thank Thanks You Dear Sincerely Hello Hi Yours From To Of In On At By Mr Mrs Ms Dr "
    "NPO Google Zoom LINE Line Facebook Instagram Twitter YouTube City Plan Japan Tokyo Musashino Kichijoji Mitaka "
    "Center Centre Community Project Team Group Club Office Studio Cafe Inc Ltd Co Corp Japanese English Network Net "
    "Support Life Art Music Kids Family Friends Home School Library Park Station Happy Smile Love Peace Green Books "
    "PDF HP QR SNS OK NG PS IT AI DX NPO TEL FAX Mail Email Microsoft Teams Meet Webex Slack Windows Apple Android "
    "Amazon Yahoo Word Excel PowerPoint Studio Design Service Services System Systems Online Web Net".split()
)
_SENTENCE_END = re.compile(
    r"[。．!?！？]|(?:です|ます|ください|下さい|ません|でした|ました|たい|ない|思う|思います|る|た)$"
)
# What follows a name when it is part of a group's, a place's or a thing's name: 「山田さんの会」 is a name,
# 「山田会」「山田記念館」 are not.
_GROUP_AFTER_RE = re.compile(
    "会|クラブ|サークル|グループ|教室|文庫|一同|記念|賞|基金|財団|通り|橋|駅|町|村|区|市|小学校|中学校|学校|病院|"
    "館|公園|線|川|山|寺|神社|商店|書店|薬局|医院|歯科|学園|塾"
)
_DEPARTMENT_END = ("課", "係", "室", "部", "局", "センター", "窓口")
_ROLE_BEFORE_NO = frozenset(
    "担当 窓口 受付 職員 係 課長 係長 部長 局長 担任 主治医 先生 友人 知人 隣 近所 会長 代表 理事 委員 "
    "委員長 店長 館長 所長 園長 校長 教頭 司会 講師 ケアマネ ケアマネジャー ヘルパー 民生委員 相談員 "
    "同僚 上司 部下 主任 夫 妻 主人 家内 息子 娘 父 母 祖父 祖母 孫 兄 姉 弟 妹 長男 長女 次男 次女 "
    "友達 仲間 知り合い 同級生 先輩 後輩 隣人 お隣".split()
)

_WINDOW = 40  # how far back a quote may open, how long a name field or parenthesis may be
_VALUE = 60  # how long a labelled value may be
_LABELS_PER_LINE = 8


class _Context:
    """The normalised text, its words and the structured spans, with indexes for bounded look-ups."""

    def __init__(self, norm: str, words: Words, places: Collection[str],
                 blocked: list[tuple[int, int, str]]):
        self.norm, self.words, self.places, self.blocked = norm, words, places, blocked
        self.by_start = dict(zip(words.starts, range(len(words)), strict=True))
        self.by_end = dict(zip(words.ends, range(len(words)), strict=True))
        self.blocked_starts = [b[0] for b in blocked]
        self.contact_ends = {b[1]: b[2] for b in blocked if b[2] in ("phone", "email")}
        self._covered = bytearray(len(norm) + 1)
        for start, end, _ in blocked:
            self._covered[start:end] = b"\x01" * (end - start)
        self.name_ends: set[int] = set()
        self._named = bytearray(len(norm) + 1)
        self.adjacent: dict[int, bool] = {}  # single-field name candidates: town/role/group right before?

    def is_blocked(self, start: int, end: int) -> bool:
        return bool(self.blocked) and self._covered.find(1, start, end) >= 0

    def is_named_all(self, start: int, end: int) -> bool:
        """True when every character of the stretch is already in a name found."""
        return self._named.find(0, start, end) < 0

    def blocked_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Structured spans overlapping [start, end) (they never overlap each other)."""
        i = max(0, bisect_left(self.blocked_starts, start) - 1)
        out = []
        while i < len(self.blocked) and self.blocked[i][0] < end:
            if self.blocked[i][1] > start:
                out.append(self.blocked[i])
            i += 1
        return out


# --- What a name looks like -----------------------------------------------------------------------

def _reads_as_name(text: str) -> bool:
    """True when UniDic, reading the text alone, reads a person's name: 姓, or 姓 + 名, nothing else."""
    tokens = analyse(text)
    return bool(tokens) and tokens[0].is_person and all(w.is_person for w in tokens) and len(tokens) <= 3


# 「Aさん」「Xさん」 stand for a person without naming one.
_ANONYMOUS_RE = re.compile(r"[A-Za-z]{1,2}|[A-Z]{1,2}[0-9]?")


def _personish(ctx: _Context, w: Word) -> bool:
    """A word UniDic reads as a person's name here, or as a place here but as a name on its own (山口)."""
    if w.surface in ctx.places or w.surface in NOT_NAMES or _ANONYMOUS_RE.fullmatch(w.surface):
        return False
    return w.is_person or (w.is_place and _reads_as_name(w.surface))


def _field_kind(ctx: _Context, text: str) -> str:
    """'place', 'role', 'group', 'label' or '' for a field of a signature line."""
    if not text:
        return ""
    if text not in ctx.places and text not in NOT_NAMES and _reads_as_name(text):
        return ""
    if text in ctx.places or _PLACE_FIELD_RE.fullmatch(text) or any(
            text.startswith(p) and _PLACE_FIELD_RE.fullmatch(text[len(p):] or "町") for p in ctx.places if p):
        return "place"
    if _ROLE_RE.fullmatch(text):
        return "role"
    if _GROUP_RE.fullmatch(text):
        return "group"
    if _LABEL_RE.match(text + " "):
        return "label"
    return ""


_ROMAJI_FIELD = re.compile(r"(?:[A-Z][a-z]{1,15}|[A-Z]{2,15})(?:[ \-](?:[A-Z][a-z]{1,15}|[A-Z]{2,15})){1,3}")


def _name_score(ctx: _Context, start: int, end: int) -> int:
    """2: UniDic reads a person's name (or a known family name); 1: name-like; 0: ordinary words; -1: never."""
    text = ctx.norm[start:end]
    compact = text.replace(" ", "")
    if compact in ctx.places or compact in NOT_NAMES or text in NOT_NAMES:
        return -1
    if _ROMAJI_FIELD.fullmatch(text):
        parts = text.replace("-", " ").split()
        return 0 if any(p.capitalize() in _ROMAJI_STOP or p in _ROMAJI_STOP for p in parts) else 2
    first_field = text.split(" ")[0]
    if first_field in COMMON_WORD_SURNAMES:
        return 2
    tokens = [w for w in _words_over(ctx, start, end) if w.surface.strip()]
    if not tokens:
        return 0
    if _personish(ctx, tokens[0]) or (_reads_as_name(first_field) and first_field not in NOT_NAMES):
        return 2
    if re.fullmatch(f"{_KT}{{2,10}}", compact):
        return 0 if len(tokens) == 1 and tokens[0].is_common_noun else 1
    if _FOREIGN_SHAPE.fullmatch(compact):
        return 1
    if len(tokens) == 1 and tokens[0].is_place and tokens[0].is_proper_noun:
        return 1  # many family names are place names (二宮, 丸岡): only a name where the line says so
    for w in tokens:
        if w.pos[0] not in ("名詞", "接頭辞", "接尾辞", "補助記号") and not re.fullmatch(f"{_KT}+", w.surface):
            return 0
        if (w.is_common_noun and len(w.surface) >= 2 and w.surface not in COMMON_WORD_SURNAMES) or w.is_place:
            return 0
    return 1


def _words_over(ctx: _Context, start: int, end: int) -> list[Word]:
    """Words overlapping [start, end) (a short stretch)."""
    i = None
    for s in range(start, max(-1, start - 8), -1):
        i = ctx.by_start.get(s)
        if i is not None:
            break
    if i is None:
        return []
    out = []
    starts, ends = ctx.words.starts, ctx.words.ends
    while i < len(starts) and starts[i] < end:
        if ends[i] > start:
            out.append(ctx.words[i])
        i += 1
    return out


def _followed_by_group_word(ctx: _Context, end: int) -> bool:
    return _GROUP_AFTER_RE.match(ctx.norm, end) is not None


def _inside_quotes(ctx: _Context, start: int) -> bool:
    """True when the position sits inside 「…」 or 『…』 opened shortly before on its line (a title, a group)."""
    window = ctx.norm[max(0, start - _WINDOW):start]
    window = window[window.rfind("\n") + 1:]
    return window.count("「") > window.count("」") or window.count("『") > window.count("』")


# --- Fields of a signature line ---------------------------------------------------------------------

_FIELD_SPLIT_RE = re.compile(r"[ \t、,，/／|｜<>«»\"'“”]+")


def _fields(ctx: _Context, start: int, end: int) -> list[tuple[int, int, str]]:
    """Fields (start, end, kind) of a short stretch: words split by spaces and commas; structured spans
    (addresses, phones, e-mails, birth dates) are fields of their own kind."""
    out: list[tuple[int, int, str]] = []
    position = start
    for b_start, b_end, kind in ctx.blocked_in(start, end):
        out += _plain_fields(ctx, position, max(position, b_start))
        out.append((max(b_start, start), min(b_end, end), kind))
        position = min(b_end, end)
    out += _plain_fields(ctx, position, end)
    return out


def _plain_fields(ctx: _Context, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    position = start
    for m in _FIELD_SPLIT_RE.finditer(ctx.norm, start, end):
        if m.start() > position:
            out.append((position, m.start(), ""))
        position = m.end()
    if end > position:
        out.append((position, end, ""))
    return out


def _strip_field(ctx: _Context, start: int, end: int) -> tuple[int, int]:
    """A field without a leading colon-label (「代表：」) and a trailing honorific."""
    text = ctx.norm[start:end]
    m = re.match(r"[^:：]{1,12}[:：]", text)
    if m:
        start += m.end()
        text = text[m.end():]
    h = _HONORIFIC_RE.search(text)
    if h and h.start() > 0:
        end -= len(h.group())
    return start, end


def _is_noise(ctx: _Context, field: tuple[int, int, str]) -> bool:
    return field[2] == "" and _TRAILING_NOISE.fullmatch(ctx.norm[field[0]:field[1]]) is not None


def _names_at_end(ctx: _Context, fields: list[tuple[int, int, str]]) -> list[tuple[int, int, bool]]:
    """Candidate names ending the fields, best first, as (start, end, context evidence): a family and
    given name in two fields, else the last field alone."""
    fields = list(fields)
    while fields and (_is_noise(ctx, fields[-1]) or fields[-1][2] in ("phone", "email", "other")):
        fields.pop()
    if not fields or fields[-1][2]:
        return []
    last = _strip_field(ctx, *fields[-1][:2])
    if last[1] <= last[0]:
        return []
    text_last = ctx.norm[last[0]:last[1]]
    # Romaji: the trailing run of capitalised words.
    run = 0
    while run < min(4, len(fields)) and not fields[-1 - run][2] \
            and _ROMAJI_WORD.fullmatch(ctx.norm[fields[-1 - run][0]:fields[-1 - run][1]]):
        run += 1
    if run >= 2:
        return [(fields[-run][0], fields[-1][1], _evidence(ctx, fields[:-run]))]
    candidates = []
    if len(fields) >= 2 and not fields[-2][2] and fields[-1][0] - fields[-2][1] <= 2:
        first = _strip_field(ctx, *fields[-2][:2])
        text_first = ctx.norm[first[0]:first[1]]
        if (first[1] == fields[-2][1] and _SURNAME_SHAPE.fullmatch(text_first) and _GIVEN_SHAPE.fullmatch(text_last)
                and not _field_kind(ctx, text_first) and not _field_kind(ctx, text_last)
                and text_first not in NOT_NAMES and text_last not in NOT_NAMES):
            candidates.append((first[0], last[1], _evidence(ctx, fields[:-2])))
    if (_JOINED_SHAPE.fullmatch(text_last) or _SURNAME_SHAPE.fullmatch(text_last)
            or _FOREIGN_SHAPE.fullmatch(text_last)) and not _field_kind(ctx, text_last):
        ctx.adjacent[last[0]] = _adjacent_evidence(ctx, fields[:-1])
        candidates.append((last[0], last[1], _evidence(ctx, fields[:-1])))
    return candidates


def _adjacent_evidence(ctx: _Context, before: list[tuple[int, int, str]]) -> bool:
    """True when the field right before the name is a town, an address, a role or a group."""
    return bool(before) and _evidence(ctx, before[-1:])


def _evidence(ctx: _Context, before: list[tuple[int, int, str]]) -> bool:
    """True when a field before the name is a town, an address, a role, a group or a label."""
    for start, end, kind in before:
        if kind == "address":
            return True
        if kind:
            continue
        text = ctx.norm[start:end]
        if _field_kind(ctx, text) or text.endswith((":", "：")):
            return True
    return False


# --- The rules --------------------------------------------------------------------------------------

def _add(ctx: _Context, out: list[Found], start: int, end: int, reason: str) -> bool:
    while start < end and ctx.norm[start] in " \t":
        start += 1
    while end > start and ctx.norm[end - 1] in " \t":
        end -= 1
    if end <= start or ctx.is_blocked(start, end):
        return False
    out.append(Found(start, end, NAME, reason))
    ctx.name_ends.add(end)
    ctx._named[start:end] = b"\x01" * (end - start)
    return True


def _personish_at(ctx: _Context, j: int) -> bool:
    """Whether the j-th word is a person's name: UniDic reads one here, or reads this noun (2 to 4 kanji)
    as one on its own (山内, read here as an ordinary word or a place). From the columns: the hot path."""
    pos = ctx.words.pos[j]
    kind = pos[2]
    surface = ctx.words.surfaces[j]
    if kind == "人名":
        return not (surface in ctx.places or surface in NOT_NAMES or _ANONYMOUS_RE.fullmatch(surface))
    if pos[0] != "名詞" or (pos[1] != "固有名詞" and pos[1] != "普通名詞") or not 2 <= len(surface) <= 4:
        return False
    return (_KANJI_ONLY_RE.fullmatch(surface) is not None and surface not in ctx.places
            and surface not in NOT_NAMES and _reads_as_name(surface))


def _person_run_before(ctx: _Context, end: int) -> tuple[int, int] | None:
    """The run of person-name words (姓, 名, at most one space between) ending at `end`; or two words
    UniDic split in context that read as a family name together (竹 + 中)."""
    i = ctx.by_end.get(end)
    if i is None:
        return None
    starts, ends = ctx.words.starts, ctx.words.ends
    start = None
    for j in range(i, max(-1, i - 3), -1):
        if not _personish_at(ctx, j) or (start is not None and ends[j] < start - 1):
            break
        start = starts[j]
    if start is None and i >= 1 and ends[i - 1] == starts[i]:
        joined = ctx.norm[starts[i - 1]:end]
        if 2 <= len(joined) <= 4 and _KANJI_ONLY_RE.fullmatch(joined) and joined not in ctx.places \
                and joined not in NOT_NAMES and _reads_as_name(joined):
            start = starts[i - 1]
    return (start, end) if start is not None else None


def _person_run_at(ctx: _Context, begin: int) -> tuple[int, int] | None:
    """The person's name starting at `begin`: 姓 (+ 名), or two words that read as a name together."""
    i = ctx.by_start.get(begin)
    if i is None:
        return None
    starts, ends, pos = ctx.words.starts, ctx.words.ends, ctx.words.pos
    if _personish_at(ctx, i):
        end = ends[i]
        if i + 1 < len(pos) and pos[i + 1][2] == "人名" and pos[i + 1][3] == "名" and starts[i + 1] - end <= 1:
            end = ends[i + 1]
        return begin, end
    if i + 1 < len(pos) and ends[i] == starts[i + 1]:
        joined = ctx.norm[begin:ends[i + 1]]
        if 2 <= len(joined) <= 4 and _KANJI_ONLY_RE.fullmatch(joined) and joined not in ctx.places \
                and joined not in NOT_NAMES and _reads_as_name(joined):
            return begin, ends[i + 1]
    return None


def _honorific_names(ctx: _Context, out: list[Found]) -> None:
    """「鈴木さん」「北村様」「佐藤先生」「グエンさん」."""
    words = ctx.words
    surfaces, ends = words.surfaces, words.ends
    for m in _HONORIFIC_FIND_RE.finditer(ctx.norm):
        i = ctx.by_start.get(m.start())
        if not i or surfaces[i] != m.group() or m.start() - ends[i - 1] > 1:
            continue
        run = _person_run_before(ctx, ends[i - 1])
        if run is None:
            prev = words[i - 1]
            if prev.surface in COMMON_WORD_SURNAMES or (
                    re.fullmatch(f"{_KT}{{2,8}}", prev.surface) and prev.is_unknown):
                run = (prev.start, prev.end)
                # A katakana given name after a family name: 「山田ハナコさん」.
                if i >= 2 and words[i - 2].is_surname and words[i - 2].end >= prev.start - 1:
                    run = (words[i - 2].start, prev.end)
            else:
                continue
        text = ctx.norm[run[0]:run[1]]
        if text in ctx.places or text in NOT_NAMES:
            continue
        if _followed_by_group_word(ctx, m.end()) and (
                m.group() in ("さん", "ちゃん", "くん") or _inside_quotes(ctx, run[0])):
            continue
        _add(ctx, out, run[0], run[1], f"人名と思われるため（後ろに「{m.group()}」）")


def _introduction_names(ctx: _Context, out: list[Found]) -> None:
    """「鈴木一郎です。」「鈴木と申します」: a name right before a self-introduction."""
    norm, words = ctx.norm, ctx.words
    for m in _INTRODUCTION_RE.finditer(norm):
        i = ctx.by_start.get(m.start())
        if not i:
            continue
        after = norm[m.end():m.end() + 2]
        if _LETTER_AFTER_RE.match(after) and not after.startswith(("が", "けど")):
            continue
        prev = words[i - 1]
        if prev.end != m.start():
            continue
        run = _person_run_before(ctx, prev.end)
        if run is None and m.group() not in ("です", "でございます"):
            if re.fullmatch(f"{_K}{{1,4}}|{_KT}{{2,8}}", prev.surface) and prev.is_noun and not prev.is_place:
                run = (prev.start, prev.end)
        if run is None:
            continue
        k = ctx.by_start.get(run[0])
        before = words[k - 1] if k else None
        if before is not None and before.end == run[0] and before.pos[0] in ("名詞", "接頭辞") \
                and not re.fullmatch(f"[{HIRAGANA}]+", before.surface):
            continue
        text = norm[run[0]:run[1]]
        if text in ctx.places or text in NOT_NAMES:
            continue
        _add(ctx, out, run[0], run[1], "人名と思われるため（名乗りの「です」「申します」の前）")


_RW = r"(?:[A-Z][a-z]{1,15}|[A-Z]{2,15})"
# 「Hiroshi Tanaka です」「TANAKA Hiroshi と申します」: two or three capitalised words before a self-introduction;
# 「My name is Hiroshi Tanaka」: one to three after it.
_ROMAJI_INTRODUCTION_RE = re.compile(
    rf"(?<![A-Za-z0-9'’\-])(?P<name>{_RW}(?:[ \-]{_RW}){{1,2}})[ \t]?(?:{'|'.join(_INTRODUCTIONS)})"
    rf"|(?<![A-Za-z])(?i:my[ \t]+name[ \t]+is|my[ \t]+name's)[ \t]+(?P<after>{_RW}(?:[ \-]{_RW}){{0,2}})(?![A-Za-z0-9])"
)
# What may stand before a romaji name that introduces its writer: the start of a sentence or 「私は」.
_SENTENCE_START_MARKS = "\n。．.!！?？、,，:：「『(【"
_SELF_TOPIC = ("私は", "わたしは", "僕は", "ぼくは", "名前は", "私、", "わたし、")


def _romaji_introductions(ctx: _Context, out: list[Found]) -> None:
    """A romaji name introducing its writer: 「Hiroshi Tanaka です。」「My name is Hiroshi Tanaka.」.

    Only at the start of a sentence or after 「私は」, so that 「ツールはMicrosoft Teamsです」 and capitalised
    English words elsewhere in a sentence stay as they are."""
    norm = ctx.norm
    for m in _ROMAJI_INTRODUCTION_RE.finditer(norm):
        if m.group("name") is not None:
            start, end = m.span("name")
            after = norm[m.end():m.end() + 2]
            if _LETTER_AFTER_RE.match(after) and not after.startswith(("が", "けど")):
                continue
            k = _strip_end(norm, start)
            if k > 0 and norm[k - 1] not in _SENTENCE_START_MARKS and not norm.endswith(_SELF_TOPIC, 0, k):
                continue
            if _name_score(ctx, start, end) <= 0:
                continue
        else:
            start, end = m.span("after")
            parts = norm[start:end].replace("-", " ").split()
            if any(p.capitalize() in _ROMAJI_STOP or p in _ROMAJI_STOP for p in parts):
                continue
        if _inside_quotes(ctx, start):
            continue
        _add(ctx, out, start, end, "人名と思われるため（ローマ字の名乗り）")


_TITLES_AFTER = (
    "課長", "部長", "係長", "局長", "室長", "所長", "館長", "園長", "校長", "教頭", "会長", "副会長", "理事長",
    "委員長",
    "議員", "主任", "店長", "社長", "先輩", "監督", "コーチ", "師匠", "議長", "事務局長", "代表", "総理", "大臣",
)
_CALLED_RE = re.compile("(?:という|と言う|っていう|って)(?:職員|人|方|男性|女性|担当|係|先生|者|名前|子)")


def _word_names(ctx: _Context, out: list[Found]) -> None:
    """Where UniDic's person-name words say enough on their own: 姓 + 名 (「山田太郎」), a family name before
    a title (「田中課長」) or 「…という職員」, or after 「担当の」「〇〇課の」."""
    words, norm = ctx.words, ctx.norm
    starts, ends, pos = words.starts, words.ends, words.pos
    for i in words.indexes_where(2, ("人名", "地名")):
        if not _personish_at(ctx, i):
            continue
        start, end = starts[i], ends[i]
        if (pos[i][3] == "姓" and pos[i][2] == "人名" and i + 1 < len(pos) and pos[i + 1][3] == "名"
                and pos[i + 1][2] == "人名" and starts[i + 1] - end <= 1):
            end = ends[i + 1]
            if (_followed_by_group_word(ctx, end) and not norm.startswith(_HONORIFICS, end)) \
                    or _inside_quotes(ctx, start):
                continue
            if i >= 1 and ends[i - 1] == start and len(words.surfaces[i - 1]) == 1 \
                    and _reads_as_name(norm[starts[i - 1]:ends[i]]):
                start = starts[i - 1]  # a family name UniDic split in context: 高 + 畑
            _add(ctx, out, start, end, "人名と思われるため（姓と名）")
        elif norm.startswith(_TITLES_AFTER, end):
            title = next(t for t in _TITLES_AFTER if norm.startswith(t, end))
            _add(ctx, out, start, end, f"人名と思われるため（後ろに「{title}」）")
        elif _CALLED_RE.match(norm, end):
            _add(ctx, out, start, end, "人名と思われるため（「…という」人）")


_ROLE_NO_RE = re.compile(
    "(?P<role>" + "|".join(sorted(_ROLE_BEFORE_NO | set(_DEPARTMENT_END) | {"長", "員"}, key=len, reverse=True))
    + ")の"
)
_AFTER_NAME_RE = re.compile(r"[がはにもとへをのや、。,.!！?？ \t\n)）」]|まで|さん|様|氏|$")


def _names_after_role(ctx: _Context, out: list[Found]) -> None:
    """A name right after 「担当の」「窓口の」「〇〇課の」「夫の」: 「担当の田中が説明しました」."""
    for m in _ROLE_NO_RE.finditer(ctx.norm):
        run = _person_run_at(ctx, m.end())
        if run is None or not _AFTER_NAME_RE.match(ctx.norm, run[1]):
            continue
        _add(ctx, out, run[0], run[1], f"人名と思われるため（「{m.group('role')}の」の後。確認してください）")


# Minutes and workshop notes name the speaker before a colon: 「・田中：駐輪場が足りない」.
_SPEAKER_RE = re.compile(r"[・\-*●○■□◆◇>＞ \t]*(?P<name>[^\s:：・]{1,8}?)(?:さん|氏|委員)?[ \t]?[:：]")


def _speaker(ctx: _Context, start: int, end: int, out: list[Found]) -> None:
    m = _SPEAKER_RE.match(ctx.norm, start, end)
    if m is None:
        return
    a, b = m.span("name")
    run = _person_run_before(ctx, b)
    if run is not None and run[0] == a:
        _accept(ctx, out, a, b, 2, "発言者として書かれた名前と思われるため")


def _is_sentence(text: str) -> bool:
    return len(text) > _VALUE or _SENTENCE_END.search(text) is not None


_PAREN_RE = re.compile(r"[(\[【)\]】]")


def _main_and_parens(norm: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Parts of a line outside parentheses, and the insides of its parentheses (one level)."""
    if _PAREN_RE.search(norm, start, end) is None:
        return [(start, end)], []
    main, parens = [], []
    depth, position = 0, start
    for m in _PAREN_RE.finditer(norm, start, end):
        k = m.start()
        if m.group() in "([【":
            if depth == 0:
                if k > position:
                    main.append((position, k))
                position = k + 1
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                parens.append((position, k))
                position = k + 1
    if position < end:
        (parens if depth else main).append((position, end))
    return main, parens


def _line_names(ctx: _Context, lines: list[tuple[int, int]], out: list[Found]) -> None:
    """Signature and header lines, labelled fields, parentheses."""
    norm = ctx.norm
    infos = []
    for start, end in lines:
        main, parens = _main_and_parens(norm, start, end)
        main_text = (norm[start:end] if not parens else "".join([norm[a:b] for a, b in main])).strip()
        infos.append((start, end, main, parens, _is_sentence(main_text)))
    sentence_rows = [k for k, info in enumerate(infos) if info[4]]
    first_sentence = sentence_rows[0] if sentence_rows else len(infos)
    last_sentence = sentence_rows[-1] if sentence_rows else -1
    line_starts = [info[0] for info in infos]
    contact_lines = {bisect_left(line_starts, b[0] + 1) - 1 for b in ctx.blocked if b[2] in ("phone", "email")}

    labels: dict[int, list[re.Match]] = {}
    for m in _LABEL_RE.finditer(norm):
        labels.setdefault(bisect_left(line_starts, m.start() + 1) - 1, []).append(m)

    for k, (start, end, main, parens, sentence) in enumerate(infos):
        edge = k < first_sentence or k > last_sentence
        near_contact = bool({k - 1, k, k + 1} & contact_lines)
        if norm.find(":", start, end) >= 0 or norm.find("：", start, end) >= 0:
            _speaker(ctx, start, end, out)
        # Labelled fields anywhere: 「氏名：山田 花子」「記録：Cグループ 田中」.
        for m in labels.get(k, [])[:_LABELS_PER_LINE]:
            label = m.group("label")
            colon = any(c in m.group() for c in ":：・")
            if not colon and (sentence or not _LABEL_WITHOUT_COLON.fullmatch(label)):
                continue
            for found in _names_at_end(ctx, _fields(ctx, m.end(), _value_end(norm, m.end(), end))):
                if _accept(ctx, out, found[0], found[1], 3, f"「{label}」の欄に書かれた名前と思われるため"):
                    break
        if not sentence:
            for a, b in main:
                if ctx.is_named_all(_skip_space(norm, a), _strip_end(norm, b)):
                    continue  # the whole line is a name found already
                for found in _names_at_end(ctx, _fields(ctx, a, b)):
                    if ctx.is_named_all(found[0], found[1]):
                        break
                    slot = (2 if found[2] else 0) + (1 if edge else 0) + (1 if near_contact else 0)
                    if _accept(ctx, out, found[0], found[1], slot, "署名欄の名前と思われるため"):
                        break
        elif k == len(infos) - 1 and main:
            # The end of a last line written as a sentence: 「…助かります。鈴木」.
            a, b = main[-1]
            cut = max(norm.rfind(p, max(a, b - _WINDOW), b) for p in "。．!！?？")
            if cut >= 0 and b - cut - 1 <= 24:
                for found in _names_at_end(ctx, _fields(ctx, cut + 1, b)):
                    if _accept(ctx, out, found[0], found[1], 1 + (1 if found[2] else 0),
                               "文末に書かれた名前と思われるため"):
                        break
        for a, b in parens:
            if b - a > _WINDOW:
                continue
            opening = a - 1
            while opening > 0 and norm[opening - 1] in " \t":
                opening -= 1
            after_contact = opening in ctx.contact_ends
            after = after_contact or opening in ctx.name_ends or norm.endswith(_SELF, 0, opening)
            fields = _fields(ctx, a, b)
            for found in _names_at_end(ctx, fields):
                if found[0] != _skip_space(norm, a) and not found[2]:
                    continue
                slot = (2 if found[2] or after else 0) + (1 if edge or not sentence else 0)
                if _accept(ctx, out, found[0], found[1], slot, "括弧内に書かれた名前と思われるため"):
                    break
                if after_contact and len(fields) == 1 and _contact_person(ctx, *fields[0][:2]):
                    _add(ctx, out, fields[0][0], fields[0][1], "連絡先の後の括弧内に書かれた名前と思われるため")
                    break


# What people write in parentheses after a phone number or e-mail address when it is not a name.
_CONTACT_NOTES = frozenset(
    "自宅 携帯 代表 事務所 事務局 平日 夜間 日中 昼間 夕方 土日 休日 留守電 留守番電話 内線 担当 会社 勤務先 職場 "
    "不在時 共用 固定 直通 受付 窓口 本部 支部 本人 家族 連絡用 緊急 緊急時 常時 随時 公開可 非公開".split()
)
_SELF = ("私", "わたし", "僕", "ぼく", "筆者", "小生", "本人")


def _contact_person(ctx: _Context, start: int, end: int) -> bool:
    """A short kanji name alone in parentheses after contact data (「（宮下）」), even where UniDic reads an
    ordinary word; not a note on the number (「（自宅）」「（平日のみ）」)."""
    text = ctx.norm[start:end]
    return (re.fullmatch(f"{_K}{{2,4}}", text) is not None and text not in _CONTACT_NOTES
            and set(text) <= SURNAME_KANJI
            and text not in NOT_NAMES and not _field_kind(ctx, text)
            and all(w.pos[0] == "名詞" for w in _words_over(ctx, start, end)))


def _strip_end(norm: str, k: int) -> int:
    while k > 0 and norm[k - 1] in " \t":
        k -= 1
    return k


def _skip_space(norm: str, k: int) -> int:
    while k < len(norm) and norm[k] in " \t":
        k += 1
    return k


def _value_end(norm: str, start: int, end: int) -> int:
    """End of a labelled value: the line's end, or the next sentence mark or parenthesis (at most _VALUE on)."""
    stop = min(end, start + _VALUE)
    m = re.compile(r"[。()（）\[\]【】]").search(norm, start, stop)
    return m.start() if m else stop


# Ordinary words that end a signature line without being a name.
_NOT_SURNAMES = frozenset(
    "商店街 駅前 地域 地区 周辺 近隣 近所 在住 在勤 在学 出身 全体 北部 南部 東部 西部 中部 方面 一帯 界隈 有志 住民 "
    "市民 町民 区民 家族 夫婦 親子 世帯 高齢者 利用者 参加者 保護者 主婦 主夫 学生 会社員 公務員 自営業 無職 一同 "
    "有職 年金 退職者 子育て 親 父 母 祖父 祖母 本人 代理 代筆 同上 匿名 無記名 以上 敬具 草々 乱筆 失礼 感謝 "
    "要望 意見 提案 質問 賛成 反対 追記 補足 備考 男性 女性 男子 女子 性別 年代 年齢 職業 自宅 携帯 勤務先 職場 "
    "会社 学校 大学 病院 施設 役所 市役所 地元 当地 当方 小生 筆者 私 拙宅 宛先 御中 各位 殿 様".split()
) | _CONTACT_NOTES


# Kanji that family names are commonly written with (nature, places, directions, numbers, good-luck
# words); an ordinary word written only with them may be a family name (内海, 宮内), 福祉 or 防災 may not.
SURNAME_KANJI = frozenset(
    "山田川野村木林森井上中下原島嶋本藤橋石松竹梅桜杉柳谷沢澤岡崎﨑部宮内海浜濱浦江池沼水泉滝瀬岸堀堤坂峰峯岩土"
    "地畑畠稲米麦葉花草菊萩芦荻茂笹桐栗柴桑榎樋槙楠椎柏檜菅蒲蓮荒新古今大小高長広浅深東西南北前後左右奥口入出門"
    "戸屋家寺社神殿城館関所里郷町市国州条道路津港舟船渡越丘台窪久保羽鳥鶴鷹鷲鴨鹿馬牛猪熊犬亀龍竜虎金銀鉄玉宝"
    "白黒赤青緑紫黄一二三四五六七八九十百千万吉福寿喜富幸栄永安平和正清真春夏秋冬日月星朝明光雲雪風斎斉齋佐伊"
    "加河阿須宇尾岳根元末友有太丸角方辺邊望若早遠近綾織服増相武文名勝宗徳義信成忠孝美恵桂香芳坊沖浪湊潟磯淵渕"
    "溝垣塚塩砂灘洲堺境坪園苑樹枝柿桃杏梨欅楢槻椿樫柚棚菱蔵倉庄荘牧場矢弓谷溝畔針梶舘及能乃之見目"
)


def _word_surname(text: str) -> bool:
    """A 2- or 3-kanji family name that UniDic reads as one ordinary word (内海, 宮内): only where the
    place in the letter is strong (a town or role right before it, at the end of the letter)."""
    if not re.fullmatch(f"{_K}{{2,3}}", text) or text in _NOT_SURNAMES or text in NOT_NAMES \
            or not set(text) <= SURNAME_KANJI:
        return False
    tokens = analyse(text)
    return len(tokens) == 1 and tokens[0].is_common_noun and tokens[0].pos[2] == "一般"


def _accept(ctx: _Context, out: list[Found], start: int, end: int, slot: int, reason: str) -> bool:
    """Add the candidate if what it says (score) and where it stands (slot) are enough together."""
    score = _name_score(ctx, start, end)
    if score == 0 and slot >= 3 and ctx.adjacent.get(start) and _word_surname(ctx.norm[start:end]):
        score = 1
    if score <= 0 or slot + score < 3:
        return False
    if slot < 2:
        # Where only the position speaks for a name, a given name alone (明, 健) is an ordinary word.
        tokens = analyse(ctx.norm[start:end])
        if len(tokens) == 1 and tokens[0].is_given_name and len(tokens[0].surface) == 1:
            return False
    if _followed_by_group_word(ctx, end) and not ctx.norm.startswith(_HONORIFICS, end):
        return False
    return _add(ctx, out, start, end, reason)


def _contact_lead_start(norm: str, end: int) -> int:
    """Where the separators before contact data begin: up to 3 spaces, colons or an opening bracket."""
    k = end
    while k > 0 and end - k < 3 and norm[k - 1] in " \t:：([【":
        k -= 1
    return k


def _names_before_contact(ctx: _Context, out: list[Found]) -> None:
    """A name written right before a phone number or an e-mail address: 「問い合わせは田中 090-…」,
    「石井まで（090-…）」."""
    for b_start, _b_end, kind in ctx.blocked:
        if kind not in ("phone", "email"):
            continue
        end = _contact_lead_start(ctx.norm, b_start)
        if ctx.norm.endswith("まで", 0, end):  # 「石井まで（090-…）」
            end = _contact_lead_start(ctx.norm, end - 2)
        run = _person_run_before(ctx, end)
        if run is not None:
            _accept(ctx, out, run[0], run[1], 2, "連絡先の前に書かれた名前と思われるため")


def _names_after_names(ctx: _Context, out: list[Found]) -> None:
    """Another writing of a name right after it in parentheses: 「山田 花子（Hanako Yamada）」."""
    norm = ctx.norm
    for f in list(out):
        k = _skip_space(norm, f.end)
        if k >= len(norm) or norm[k] != "(":
            continue
        close = norm.find(")", k + 1, k + _WINDOW)
        if close < 0:
            continue
        inner = norm[k + 1:close].strip()
        if not inner:
            continue
        a = norm.find(inner, k + 1, close)
        if (_ROMAJI_FIELD.fullmatch(inner) or _FOREIGN_SHAPE.fullmatch(inner)
                or re.fullmatch(f"[{HIRAGANA}{KATAKANA}]{{2,6}}(?: [{HIRAGANA}{KATAKANA}]{{1,6}})?", inner)) \
                and _name_score(ctx, a, a + len(inner)) > 0:
            _add(ctx, out, a, a + len(inner), "名前の読み・ローマ字表記のため")


def name_spans(norm: str, words: Words, lines: list[tuple[int, int]], places: Collection[str],
               blocked: Iterable[tuple[int, int, str]]) -> list[Found]:
    """Person names in a normalised text; `blocked` are spans already found (addresses, phones…)."""
    ctx = _Context(norm, words, places, sorted(blocked))
    out: list[Found] = []
    _honorific_names(ctx, out)
    _introduction_names(ctx, out)
    _romaji_introductions(ctx, out)
    _word_names(ctx, out)
    _names_after_role(ctx, out)
    _names_before_contact(ctx, out)
    _line_names(ctx, lines, out)
    _names_after_names(ctx, out)
    return out
