"""Quotes against their source's text: normalisation, near misses explained, and text fragments
that follow the WICG "URL Fragment Text Directives" specification
(https://wicg.github.io/scroll-to-text-fragment/), checked against its own examples."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.quotes import SourceIndex, directive_without_text, normalise, quote_link
from site_builder.textfragments import EXACT_MATCH_LIMIT, TextDirective, encode_term, with_fragment


def parse_directive(value: str) -> TextDirective | None:
    """The specification's "parse a text directive" (section 3.3), written from its steps:
    strictly split on ",", a prefix ends with "-", a suffix starts with "-", no term may be
    empty or hold a "-", each term percent-decoded as UTF-8."""
    assert value.startswith("text=")
    tokens = value.removeprefix("text=").split(",")
    if not 1 <= len(tokens) <= 4:
        return None
    prefix = suffix = end = None
    if tokens[0].endswith("-"):
        prefix = tokens.pop(0)[:-1]
        if not prefix or "-" in prefix or not tokens:
            return None
    if tokens[-1].startswith("-"):
        suffix = tokens.pop()[1:]
        if not suffix or "-" in suffix or not tokens:
            return None
    if len(tokens) > 2:
        return None
    start = tokens.pop(0)
    if not start or "-" in start:
        return None
    if tokens:
        end = tokens[0]
        if not end or "-" in end:
            return None

    def decode(term: str | None) -> str | None:
        return urllib.parse.unquote(term, errors="strict") if term is not None else None

    return TextDirective(decode(start) or "", decode(end), decode(prefix), decode(suffix))


# --------------------------------------------------------------------------- the spec's examples


def test_the_syntax_examples_of_the_specification() -> None:
    """Section 2.2 ("Syntax") and 2.2.1 ("Context Terms")."""
    assert TextDirective("an example text fragment").encode() == (
        "text=an%20example%20text%20fragment"
    )
    assert TextDirective("an example", "text fragment").encode() == (
        "text=an%20example,text%20fragment"
    )
    assert TextDirective("an example", prefix="this is", suffix="text fragment").encode() == (
        "text=this%20is-,an%20example,-text%20fragment"
    )


def test_the_bidi_example_of_the_specification() -> None:
    """Section 2.3: Egypt preceded by Bahrain, in Arabic, percent-encoded as UTF-8."""
    egypt = "\u0645\u0635\u0631"  # مصر, without the vowel mark the URL in the example leaves out
    bahrain = "\u0627\u0644\u0628\u062d\u0631\u064a\u0646"  # البحرين
    assert encode_term(egypt) == "%D9%85%D8%B5%D8%B1"
    assert encode_term(bahrain) == "%D8%A7%D9%84%D8%A8%D8%AD%D8%B1%D9%8A%D9%86"
    assert TextDirective(egypt, prefix=bahrain).encode() == (
        "text=%D8%A7%D9%84%D8%A8%D8%AD%D8%B1%D9%8A%D9%86-,%D9%85%D8%B5%D8%B1"
    )


def test_the_generation_examples_of_the_specification() -> None:
    """Section 7.1: an exact match and a range for the same sentence of "History of computing".

    The specification's exact-match URL leaves the hyphen of "Wynn-Williams" as it is, which its
    own grammar (TextDirectiveExplicitChar) and parser (a "-" in a term makes it invalid) do
    not allow: here it is percent-encoded, as section 2.2 says."""
    sentence = (
        "The first recorded idea of using digital electronics for computing was the 1931 "
        'paper "The Use of Thyratrons for High Speed Automatic Counting of Physical Phenomena" '
        "by C. E. Wynn-Williams."
    )
    page = "https://en.wikipedia.org/wiki/History_of_computing"
    spec_url = (
        page + "#:~:text=The%20first%20recorded%20idea%20of%20using%20digital%20electronics%20"
        "for%20computing%20was%20the%201931%20paper%20%22The%20Use%20of%20Thyratrons%20for%20"
        "High%20Speed%20Automatic%20Counting%20of%20Physical%20Phenomena%22%20by%20C.%20E.%20"
        "Wynn-Williams"
    )
    ours = with_fragment(page, TextDirective(sentence.removesuffix(".")))
    assert ours == spec_url.replace("Wynn-Williams", "Wynn%2DWilliams")
    assert parse_directive(spec_url.split(":~:")[1]) is None  # the raw "-" breaks the example
    assert parse_directive(ours.split(":~:")[1]) == TextDirective(sentence.removesuffix("."))
    assert with_fragment(page, TextDirective("The first recorded", "Williams")) == (
        page + "#:~:text=The%20first%20recorded,Williams"
    )
    # Section 7.3's example puts a raw "," after "1960s", which would split the term in two.
    late = "By the late 1960s, computer systems could perform symbolic algebraic manipulations"
    encoded = TextDirective(late).encode()
    assert encoded == (
        "text=By%20the%20late%201960s%2C%20computer%20systems%20could%20perform%20symbolic"
        "%20algebraic%20manipulations"
    )
    assert parse_directive(encoded) == TextDirective(late)


def test_a_fallback_fragment_is_kept_before_the_directive() -> None:
    """Section 7.3: an element id before the directive is the fallback when the text is gone."""
    page = "https://en.wikipedia.org/wiki/History_of_computing#Early_computation"
    directive = TextDirective(
        "The earliest known tool for use in computation is the Sumerian abacus"
    )
    assert with_fragment(page, directive) == (
        "https://en.wikipedia.org/wiki/History_of_computing#Early_computation:~:text=The%20"
        "earliest%20known%20tool%20for%20use%20in%20computation%20is%20the%20Sumerian%20abacus"
    )
    # A link that already carries a directive gets ours instead, not a second one.
    assert with_fragment("https://e.org/a#x:~:text=old", TextDirective("new")) == (
        "https://e.org/a#x:~:text=new"
    )


_TERM = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@given(start=_TERM, end=st.none() | _TERM, prefix=st.none() | _TERM, suffix=st.none() | _TERM)
def test_every_directive_parses_back_as_the_specification_reads_it(
    start: str, end: str | None, prefix: str | None, suffix: str | None
) -> None:
    """Whatever the words ("-", ",", "&", "%", "#", spaces, any script), the encoded directive is
    ASCII, holds no character of the fragment's own syntax, and parses back to the same terms."""
    directive = TextDirective(start, end, prefix, suffix)
    encoded = directive.encode()
    assert encoded.isascii() and not re.search(r"[\s#&]", encoded)
    assert parse_directive(encoded) == directive


# --------------------------------------------------------------------------- generating


REPORT = (
    "The council met on Monday. The council voted to close the road. "
    "Residents said the road had flooded twice this year, and the council agreed. "
    "The Road is closed until further notice."
)


def browser_matches(text: str, directive: TextDirective) -> list[tuple[int, str]]:
    """What a browser would highlight, read independently of textfragments.py: case-insensitive, on
    word boundaries, with white space allowed between the context terms and the match."""

    def term(words: str) -> str:
        pattern = re.escape(words.casefold())
        if words[:1].isalnum():
            pattern = r"(?<!\w)" + pattern
        if words[-1:].isalnum():
            pattern += r"(?!\w)"
        return pattern

    pattern = (term(directive.prefix) + r"\s*" if directive.prefix else "") + "("
    pattern += term(directive.start) + (".*?" + term(directive.end) if directive.end else "")
    pattern += ")" + (r"\s*" + term(directive.suffix) if directive.suffix else "")
    folded = text.casefold()
    found = re.finditer(pattern, folded, re.DOTALL)
    return [(m.start(1), text[m.start(1) : m.end(1)]) for m in found]


def test_a_quote_that_occurs_once_is_matched_exactly_without_context() -> None:
    index = SourceIndex(REPORT)
    directive = index.directive("voted to close the road")
    assert directive == TextDirective("voted to close the road")
    assert browser_matches(REPORT, directive) == [(index.find("voted"), "voted to close the road")]


def test_words_that_recur_get_the_context_that_makes_them_match_once() -> None:
    index = SourceIndex(REPORT)
    assert index.directive("the road had flooded") == TextDirective("the road had flooded")
    # "the council" and "the road" each occur three times to a browser, which ignores case.
    for quote in ("The council", "the council", "the road", "The Road"):
        directive = index.directive(quote)
        assert directive is not None and (directive.prefix or directive.suffix), quote
        assert browser_matches(REPORT, directive) == [(index.find(quote), quote)], directive


def test_a_long_quote_is_matched_as_a_range_that_ends_where_the_quote_ends() -> None:
    long_quote = " ".join(f"word{n}" for n in range(80))
    text = f"Before. {long_quote} After, and word79 again."
    assert len(long_quote) > EXACT_MATCH_LIMIT
    directive = SourceIndex(text).directive(long_quote)
    assert directive is not None and directive.end is not None
    assert directive.start.startswith("word0") and directive.end.endswith("word79")
    assert browser_matches(text, directive) == [(8, long_quote)]
    assert len(directive.encode()) < 100  # instead of 500 characters of exact match


def test_a_quote_inside_quotation_marks_takes_the_mark_as_context() -> None:
    text = "He said: “Go now.” Then: “Go now,” she replied."
    directive = SourceIndex(text).directive("Go now")
    assert directive is not None
    assert browser_matches(text, directive) == [(text.index("Go now"), "Go now")]


def test_without_a_source_text_the_directive_comes_from_the_quote_alone() -> None:
    assert directive_without_text("two  words\n here") == TextDirective("two words here")
    long_quote = " ".join(f"w{n}" for n in range(200))
    directive = directive_without_text(long_quote)
    assert (directive.start, directive.end) == ("w0 w1 w2", "w197 w198 w199")
    assert quote_link("https://e.org/r", None, "a-b, c") == "https://e.org/r#:~:text=a%2Db%2C%20c"


def test_a_quote_missing_from_the_text_gets_no_directive() -> None:
    assert SourceIndex(REPORT).directive("never said") is None


# --------------------------------------------------------------------------- comparing


def test_quotes_are_compared_under_nfc_with_white_space_collapsed() -> None:
    composed = "Café “Rue-de-l’Église”"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    index = SourceIndex(f"They met at the\n{composed},\u00a0twice.")
    assert index.find(decomposed) is not None  # canonically the same text
    assert index.find("the   Café") is not None  # a line break and spaces are white space
    assert index.find(f"{composed}, twice") is not None  # so is a no-break space
    assert normalise(" a\t b\n") == "a b"


@pytest.mark.parametrize(
    ("quote", "differences"),
    [
        ("soldiers' remains", [("'", "’")]),  # a straight apostrophe for a curly one
        ('"Go," he said', [('"', "“"), ('"', "”")]),
        ("peace - lasting peace", [(" - ", "–")]),  # a spaced hyphen for an en dash
        ("the final report...", [("...", "…")]),
        ("the financial report", [("fi", "ﬁ")]),  # a ligature (NFKC) in the source
        ("The Soldiers' remains", [("T", "t"), ("S", "s"), ("'", "’")]),  # capitals too
    ],
)
def test_a_near_miss_says_what_differs_and_gives_the_source_s_words(
    quote: str, differences: list[tuple[str, str]]
) -> None:
    text = (
        "Return of the soldiers’ remains. “Go,” he said. A meeting to ensure peace–lasting "
        "peace. We read the final report… and the ﬁnancial report."
    )
    index = SourceIndex(text)
    assert index.find(quote) is None
    near = index.near_miss(quote)
    assert near is not None
    assert list(near.differences) == differences
    assert near.source_words in normalise(text)
    assert index.find(near.source_words) is not None  # copying it verifies
    assert "the source has" in near.explain() and "U+" in near.explain()


def test_a_real_difference_is_no_near_miss() -> None:
    assert SourceIndex("the soldiers’ remains").near_miss("the soldier’s remains") is None
