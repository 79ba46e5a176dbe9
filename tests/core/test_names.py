"""One rule for every name a reader sets: nothing invisible, nothing that rearranges the text around it."""

import pytest
from django.core.exceptions import ValidationError

from core.plain_text import validate_name

REFUSED = [
    # Bidirectional controls: embeddings, overrides, isolates, marks.
    ("Claire\u202eDubois", "invisible_character", "RLO"),
    ("Claire\u202dDubois", "invisible_character", "LRO"),
    ("Claire\u202c", "invisible_character", "PDF"),
    ("\u202aClaire", "invisible_character", "LRE"),
    ("\u202bClaire", "invisible_character", "RLE"),
    ("Claire\u2066x", "invisible_character", "LRI"),
    ("Claire\u2067x", "invisible_character", "RLI"),
    ("Claire\u2068x", "invisible_character", "FSI"),
    ("Claire\u2069", "invisible_character", "PDI"),
    ("Claire\u200e", "invisible_character", "LRM"),
    ("Claire\u200f", "invisible_character", "RLM"),
    ("محمد\u061c", "invisible_character", "ALM"),
    # Zero-width and other format characters.
    ("Clai\u200bre", "invisible_character", "zero-width space"),
    ("Cla\u200dire", "invisible_character", "ZWJ between Latin letters"),
    ("Cla\u200cire", "invisible_character", "ZWNJ between Latin letters"),
    ("محمد\u200cClaire", "invisible_character", "ZWNJ between two scripts"),
    ("\u200dمحمد", "invisible_character", "ZWJ at the start"),
    ("\ufeffClaire", "invisible_character", "BOM"),
    ("Clai\u2060re", "invisible_character", "word joiner"),
    ("a\u2062b", "invisible_character", "invisible times"),
    ("Claire\U000e0041\U000e0042", "invisible_character", "tag characters"),
    ("Clai\u00adre", "invisible_character", "soft hyphen"),
    ("\u0600Claire", "invisible_character", "Arabic number sign"),
    # Invisible characters that are not format characters.
    ("Claire\u3164", "invisible_character", "Hangul filler"),
    ("\u2800", "invisible_character", "blank braille cell"),
    ("Cla\u034fire", "invisible_character", "combining grapheme joiner"),
    ("Cla\u180bire", "invisible_character", "Mongolian variation selector"),
    ("\ufe0fClaire", "invisible_character", "variation selector at the start"),
    ("Claire \ufe0f", "invisible_character", "variation selector after a space"),
    # Control characters, C0 and C1.
    ("Cam\x1bille", "control_character", "ESC"),
    ("Cam\x07ille", "control_character", "BEL"),
    ("Cam\x7fille", "control_character", "DEL"),
    ("Cam\x00ille", "control_character", "NUL"),
    ("Cam\tille", "control_character", "TAB"),
    ("Cam\x9bille", "control_character", "C1 CSI"),
    # Line breaks.
    ("Camille\nDubois", "line_break", "LF"),
    ("Camille\rDubois", "line_break", "CR"),
    ("Camille\r\nDubois", "line_break", "CRLF"),
    ("Camille\x0bDubois", "line_break", "vertical tab"),
    ("Camille\x85Dubois", "line_break", "NEL"),
    ("Camille\u2028Dubois", "line_break", "line separator"),
    ("Camille\u2029Dubois", "line_break", "paragraph separator"),
    # Marks that spill over the text around the name.
    ("\u0301Camille", "leading_mark", "mark at the start"),
    ("Ca" + "\u0301\u0302\u0303\u0304\u0305" + "mille", "stacked_marks", "five marks on one letter"),
    ("Z\u0351\u0352\u0357\u035b\u0363\u0364\u0365a\u0316\u0317\u0318\u0319\u031a\u031blgo", "stacked_marks", "Zalgo"),
    # Damaged text.
    ("Caf\ufffd", "invalid_encoding", "replacement character"),
]

ACCEPTED = [
    ("Claire Dubois", "Latin"),
    ("Éloïse D'Arc-Lefèvre", "accents and punctuation"),
    ("Nguyễn Thị Ánh", "Vietnamese, two marks on a letter"),
    ("Zoe\u0308 Ange\u0301lique", "decomposed accents"),
    ("Jean\u00a0Pierre", "no-break space"),
    ("محمد علي", "Arabic"),
    ("شَّ", "Arabic with shadda and a vowel"),
    ("שָׁלוֹם", "Hebrew with points"),
    ("می\u200cخواهم", "Persian half-space (ZWNJ)"),
    ("क्\u200dष", "Devanagari ZWJ after a virama"),
    ("ന്\u200dമ", "Malayalam chillu (ZWJ)"),
    ("श्री\u200cमान", "Devanagari ZWNJ"),
    ("李小龍", "Han"),
    ("渡邊\U000e0100", "an ideographic variation selector"),
    ("Marie 🌸", "emoji"),
    ("Lou ❤\ufe0f", "emoji presentation selector"),
    ("Sam 👩\u200d💻", "emoji ZWJ sequence"),
    ("🏳\ufe0f\u200d🌈 Alex", "rainbow flag"),
    ("Tom 👍🏽", "skin tone"),
    ("👩🏽\u200d🔬", "skin tone inside a ZWJ sequence"),
    ("Team 1\ufe0f\u20e3", "keycap"),
    ("Community manager", "a role"),
]


@pytest.mark.parametrize(("name", "code"), [(name, code) for name, code, _ in REFUSED], ids=[i for *_, i in REFUSED])
def test_names_with_invisible_or_reordering_characters_are_refused_with_a_code(name, code):
    with pytest.raises(ValidationError) as refusal:
        validate_name(name)

    assert refusal.value.code == code
    assert str(refusal.value.message)


@pytest.mark.parametrize("name", [name for name, _ in ACCEPTED], ids=[i for _, i in ACCEPTED])
def test_names_in_any_script_with_the_joiners_they_need_are_accepted(name):
    validate_name(name)


def test_the_refusal_names_the_character_to_remove():
    with pytest.raises(ValidationError) as refusal:
        validate_name("Claire\u202eDubois")

    assert "U+202E" in refusal.value.message % refusal.value.params
