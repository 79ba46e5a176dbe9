"""core.bidi: what a string opens it closes, what it closes it opened, and it is isolated where no markup goes."""

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from core.bidi import FSI, LRE, LRI, LRO, PDF, PDI, RLE, RLI, RLO, balance, bdi, isolate

# (what was typed, balanced)
BALANCE = [
    pytest.param("", "", id="empty"),
    pytest.param("Camille", "Camille", id="plain-latin"),
    pytest.param("שלום", "שלום", id="hebrew-alone"),
    pytest.param(f"a{RLO}b", f"a{RLO}b{PDF}", id="rlo"),
    pytest.param(f"a{LRE}b", f"a{LRE}b{PDF}", id="lre"),
    pytest.param(f"a{RLE}b", f"a{RLE}b{PDF}", id="rle"),
    pytest.param(f"a{LRO}b", f"a{LRO}b{PDF}", id="lro"),
    pytest.param(f"a{RLI}b", f"a{RLI}b{PDI}", id="rli"),
    pytest.param(f"a{LRI}b", f"a{LRI}b{PDI}", id="lri"),
    pytest.param(f"a{FSI}b", f"a{FSI}b{PDI}", id="fsi"),
    pytest.param(f"{RLO}a{RLI}b{LRE}c", f"{RLO}a{RLI}b{LRE}c{PDF}{PDI}{PDF}", id="nested-closed-innermost-first"),
    pytest.param(f"a{PDF}b", "ab", id="stray-pdf"),
    pytest.param(f"a{PDI}b", "ab", id="stray-pdi"),
    pytest.param(f"{PDI}{PDF}{PDI}{RLO}x", f"{RLO}x{PDF}", id="stray-closers-then-rlo"),
    pytest.param(f"{RLO}a{PDF}b", f"{RLO}a{PDF}b", id="balanced-embedding"),
    pytest.param(f"{RLI}a{PDI}b", f"{RLI}a{PDI}b", id="balanced-isolate"),
    pytest.param(f"{RLI}{RLO}a{PDI}b", f"{RLI}{RLO}a{PDF}{PDI}b", id="pdi-closes-embeddings-inside"),
    pytest.param(f"{RLI}a{PDF}b", f"{RLI}ab{PDI}", id="pdf-cannot-close-across-an-isolate"),
    pytest.param(f"{RLO}a{RLI}b{PDF}c{PDI}d", f"{RLO}a{RLI}bc{PDI}d{PDF}", id="pdf-inside-isolate-ignored"),
    pytest.param(f"{RLO}a\nb{PDF}", f"{RLO}a{PDF}\nb", id="each-paragraph-alone"),
    pytest.param(f"{RLO}a\u2029b", f"{RLO}a{PDF}\u2029b", id="paragraph-separator"),
    pytest.param(f"{RLO}a\r\nb", f"{RLO}a{PDF}\r\nb", id="crlf"),
    pytest.param(f"{RLO}a\u2028b", f"{RLO}a\u2028b{PDF}", id="line-separator-is-not-a-paragraph"),
]


@pytest.mark.parametrize(("text", "balanced"), BALANCE)
def test_balance_closes_what_is_open_and_drops_what_closes_nothing(text, balanced):
    assert balance(text) == balanced


# (what was typed, isolated)
ISOLATE = [
    pytest.param("", "", id="empty"),
    pytest.param("Camille Dupré", "Camille Dupré", id="left-to-right-unchanged"),
    pytest.param('Say "hello" <politely> 12', 'Say "hello" <politely> 12', id="neutrals-and-digits-unchanged"),
    pytest.param("שלום", f"{FSI}שלום{PDI}", id="hebrew"),
    pytest.param("مرحبا", f"{FSI}مرحبا{PDI}", id="arabic"),
    pytest.param("\u0661\u0662", f"{FSI}\u0661\u0662{PDI}", id="arabic-digits"),
    pytest.param("a\u200fb", f"{FSI}a\u200fb{PDI}", id="right-to-left-mark"),
    pytest.param(f"a{RLO}b", f"{FSI}a{RLO}b{PDF}{PDI}", id="rlo"),
    pytest.param(f"a{LRE}b", f"{FSI}a{LRE}b{PDF}{PDI}", id="lre"),
    pytest.param(f"a{RLI}b", f"{FSI}a{RLI}b{PDI}{PDI}", id="rli"),
    pytest.param(f"{RLE}{LRI}x", f"{FSI}{RLE}{LRI}x{PDI}{PDF}{PDI}", id="nested"),
    pytest.param(f"a{PDF}", f"{FSI}a{PDI}", id="stray-pdf"),
    pytest.param(f"{PDI}a", f"{FSI}a{PDI}", id="stray-pdi"),
    pytest.param(f"{RLI}a{PDI}", f"{FSI}{RLI}a{PDI}{PDI}", id="already-balanced"),
    pytest.param(f"{RLO}a\n\nb", f"{FSI}{RLO}a{PDF}{PDI}\n\n{FSI}b{PDI}", id="each-paragraph-isolated"),
]


@pytest.mark.parametrize(("text", "isolated"), ISOLATE)
def test_isolate_wraps_each_paragraph_that_could_move_others(text, isolated):
    assert isolate(text) == isolated


@pytest.mark.parametrize("text", [row.values[0] for row in BALANCE + ISOLATE])
def test_balancing_twice_changes_nothing_more(text):
    assert balance(balance(text)) == balance(text)
    assert balance(isolate(text)) == isolate(text)


def test_bdi_escapes_balances_and_isolates():
    assert bdi(f"<b>{PDI}{RLO}x</b>") == f"<bdi>&lt;b&gt;{RLO}x&lt;/b&gt;{PDF}</bdi>"
    assert bdi("") == ""
    assert bdi(None) == ""


def test_bdi_only_escapes_what_cannot_move_other_text():
    assert bdi("Noé <3") == "Noé &lt;3"
    assert bdi("שלום") == "<bdi>שלום</bdi>"


def test_bdi_does_not_escape_twice_what_is_already_safe():
    assert bdi(mark_safe(f"<em>{RLO}x</em>")) == f"<bdi><em>{RLO}x</em>{PDF}</bdi>"


def test_the_template_filters():
    rendered = Template('{% load bidi %}<p title="{{ name|isolate }}">{{ name|bdi }} wrote</p>').render(
        Context({"name": f'"{RLO}Eve'})
    )
    assert rendered == f'<p title="{FSI}&quot;{RLO}Eve{PDF}{PDI}"><bdi>&quot;{RLO}Eve{PDF}</bdi> wrote</p>'


def test_isolate_filter_keeps_what_is_safe_safe_and_escapes_the_rest():
    template = Template("{% load bidi %}{{ value|isolate }}")
    assert template.render(Context({"value": mark_safe(f"<i>{RLO}</i>")})) == f"{FSI}<i>{RLO}</i>{PDF}{PDI}"
    assert template.render(Context({"value": f"<i>{RLO}</i>"})) == f"{FSI}&lt;i&gt;{RLO}&lt;/i&gt;{PDF}{PDI}"
