"""The French catalogue: complete, compiled, and used by the pages.

The .po and .mo checks read the files only: they need no database. The .mo
is committed so that nobody needs the gettext tools to run the site, so it
must say exactly what the .po says.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
FRENCH = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
NBSP = "\u00a0"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # {None: str} or {0: str, 1: str, ...}
    flags: set = field(default_factory=set)
    line: int = 0

    @property
    def forms(self):
        return [self.msgstr[key] for key in sorted(self.msgstr, key=lambda k: -1 if k is None else k)]

    @property
    def label(self):
        return f"line {self.line}: {self.msgid!r}"


def unquote(text, path, number):
    """The value of one PO string literal, "…" with C escapes."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{path}:{number}: not a quoted string: {text}")

    def unescape(match):
        try:
            return ESCAPES[match.group(1)]
        except KeyError:
            raise ValueError(f"{path}:{number}: unknown escape \\{match.group(1)}") from None

    return re.sub(r"\\(.)", unescape, text[1:-1])


def parse_po(path):
    """Return the entries of a .po file, the header (msgid "") first. Obsolete entries (#~) are left out."""
    entries, entry, target = [], None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and entry.msgstr:
                entries.append(entry)
                entry = None
            target = None
            continue
        if entry is None or (entry.msgstr and not line.startswith(('"', "msgstr"))):
            if entry is not None:
                entries.append(entry)
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: string outside an entry")
            key, value = target
            if key == "msgstr":
                entry.msgstr[value] += unquote(line, path, number)
            else:
                setattr(entry, key, getattr(entry, key) + unquote(line, path, number))
        else:
            keyword, _, rest = line.partition(" ")
            text = unquote(rest, path, number)
            if keyword in ("msgid", "msgid_plural", "msgctxt"):
                setattr(entry, keyword, text)
                target = (keyword, None)
            elif match := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword):
                index = None if match.group(1) is None else int(match.group(1))
                entry.msgstr[index] = text
                target = ("msgstr", index)
            else:
                raise ValueError(f"{path}:{number}: unexpected line: {raw}")
    if entry is not None and entry.msgstr:
        entries.append(entry)
    if not entries or entries[0].msgid != "" or entries[0].msgctxt is not None:
        raise ValueError(f'{path}: the header entry (msgid "") must come first')
    return entries


def header_fields(entries):
    return dict(line.split(": ", 1) for line in entries[0].msgstr[None].splitlines() if ": " in line)


def plural_count(entries):
    match = re.search(r"nplurals\s*=\s*(\d+)", header_fields(entries).get("Plural-Forms", ""))
    assert match, "the header has no Plural-Forms with nplurals"
    return int(match.group(1))


def messages(path):
    return parse_po(path)[1:]


# Placeholders and markup a translation must keep: %(name)s, %s, %d, {name}, and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}|</?[a-zA-Z][^>]*>")


@pytest.fixture(params=CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE_DIR)))
def po_path(request):
    return request.param


def test_there_is_a_french_catalogue():
    assert FRENCH in CATALOGUES
    assert FRENCH.with_suffix(".mo").is_file(), "compile the catalogue: manage.py compilemessages"


def test_the_header_names_the_language_and_is_not_fuzzy(po_path):
    entries = parse_po(po_path)
    assert "fuzzy" not in entries[0].flags
    assert header_fields(entries).get("Language") == po_path.parent.parent.name
    assert header_fields(entries).get("Content-Type") == "text/plain; charset=UTF-8"


def test_every_message_is_translated(po_path):
    entries = parse_po(po_path)
    nplurals = plural_count(entries)
    untranslated = []
    for entry in entries[1:]:
        expected = [None] if entry.msgid_plural is None else list(range(nplurals))
        if sorted(entry.msgstr, key=lambda k: -1 if k is None else k) != expected or not all(entry.forms):
            untranslated.append(entry.label)
    assert untranslated == []


def test_no_message_is_fuzzy(po_path):
    assert [entry.label for entry in messages(po_path) if "fuzzy" in entry.flags] == []


def test_translations_keep_placeholders_and_markup(po_path):
    wrong = []
    for entry in messages(po_path):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        wrong.extend(
            f"{entry.label} → {form!r}"
            for form in entry.forms
            if form and sorted(PLACEHOLDER.findall(form)) != expected
        )
    assert wrong == []


def test_french_punctuation_has_a_non_breaking_space():
    """Before : ; ? ! » and after «, always U+00A0, never an ordinary or a narrow space."""
    wrong = []
    for entry in messages(FRENCH):
        for form in entry.forms:
            if re.search(r"[ \u202f][:;?!»]|«[ \u202f]|\w[?!»]|«\w", form):
                wrong.append(f"{entry.label} → {form!r}")
    assert wrong == []


def expected_catalog(entries):
    """What GNUTranslations should read from the .mo compiled from these entries."""
    catalog = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid != "":
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if entry.msgstr[None] or entry.msgid == "":
                catalog[key] = entry.msgstr[None]
        elif all(entry.forms):
            catalog.update({(key, index): text for index, text in entry.msgstr.items()})
    return catalog


def without_creation_date(catalog):
    """Recent msgfmt leaves POT-Creation-Date out of the compiled header; compare the rest."""
    header = "".join(line for line in catalog.get("", "").splitlines(True) if not line.startswith("POT-Creation-Date:"))
    return {**catalog, "": header}


def test_the_compiled_catalogue_matches_the_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path.name} is missing: run manage.py compilemessages"
    with mo_path.open("rb") as mo:
        compiled = without_creation_date(gettext.GNUTranslations(mo)._catalog)
    expected = without_creation_date(expected_catalog(parse_po(po_path)))
    assert sorted(map(str, expected.keys() - compiled.keys())) == [], "in the .po, not in the .mo: recompile"
    assert sorted(map(str, compiled.keys() - expected.keys())) == [], "in the .mo, not in the .po: recompile"
    assert {key: compiled[key] for key in expected if compiled[key] != expected[key]} == {}, "recompile"


def test_the_parser_reads_plurals_contexts_escapes_and_flags(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#, python-format\nmsgid "%(count)d link"\nmsgid_plural "%(count)d links"\n'
        'msgstr[0] "%(count)d lien"\nmsgstr[1] ""\n"%(count)d liens"\n\n'
        '#, fuzzy\nmsgctxt "month"\nmsgid "May"\nmsgstr "Mai"\n\n'
        'msgid "Say \\"hi\\"\\n"\nmsgstr "Dites « salut »\\n"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Parti"\n',
        encoding="utf-8",
    )
    header, link, may, hi = parse_po(po)
    assert header_fields([header])["Language"] == "fr"
    assert plural_count([header]) == 2
    assert (link.msgid_plural, link.forms, link.flags) == (
        "%(count)d links",
        ["%(count)d lien", "%(count)d liens"],
        {"python-format"},
    )
    assert (may.msgctxt, may.msgstr, may.flags) == ("month", {None: "Mai"}, {"fuzzy"})
    assert (hi.msgid, hi.forms) == ('Say "hi"\n', ["Dites « salut »\n"])
    assert expected_catalog([header, link, may, hi]) == {
        "": header.msgstr[None],
        ("%(count)d link", 0): "%(count)d lien",
        ("%(count)d link", 1): "%(count)d liens",
        'Say "hi"\n': "Dites « salut »\n",
    }


def test_django_uses_the_french_plural_forms():
    with translation.override("fr"):
        links = [translation.ngettext("%(count)d link", "%(count)d links", n) % {"count": n} for n in (0, 1, 2, 10**6)]
        assert links == ["0 lien", "1 lien", "2 liens", "1000000 de liens"]
        assert translation.gettext("Report a comment") == "Signaler un commentaire"
    with translation.override("en"):
        assert translation.ngettext("%(count)d link", "%(count)d links", 2) % {"count": 2} == "2 links"
        assert translation.gettext("Report a comment") == "Report a comment"


@pytest.mark.django_db
class TestPagesFollowTheLanguage:
    def test_french_by_default(self, client, settings):
        settings.LANGUAGE_CODE = "fr"
        html = client.get("/").text
        assert '<html lang="fr">' in html
        assert "Aller au contenu" in html
        assert "Skip to content" not in html

    def test_french_from_the_browser(self, client):
        html = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"}).text
        assert "Aller au contenu" in html
        assert "Se connecter" in html

    def test_english_from_the_browser(self, client):
        html = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"}).text
        assert '<html lang="en">' in html
        assert "Skip to content" in html
        assert "Aller au contenu" not in html

    def test_the_language_cookie_wins_over_the_browser(self, client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get("/", headers={"accept-language": "fr"}).text
        assert "Skip to content" in html
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        html = client.get("/", headers={"accept-language": "en"}).text
        assert "Aller au contenu" in html

    def test_a_missing_page_in_french(self, client):
        response = client.get("/no-such-page/", headers={"accept-language": "fr"})
        assert response.status_code == 404
        assert "Page introuvable" in response.text
