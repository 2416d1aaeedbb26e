"""Hard-wrapped text: real Reuters wire copy is joined into paragraphs; text that is not wrapped is "
"untouched."""

from __future__ import annotations

import textwrap

import pytest

import pipeline.clean
from pipeline.attribution import find_attributions
from pipeline.batch import prepare_batch
from pipeline.clean import clean_document
from pipeline.models import Article, RawDocument
from pipeline.read import read_folder
from pipeline.wrapped import join_wrapped_lines, wrap_width
from tests.conftest import FIXTURES, SAMPLE, shared_path

WRAPPED = FIXTURES / "wrapped"


def story(name: str) -> Article:
    return clean_document(RawDocument(doc=name, text=(WRAPPED / name).read_text(encoding="utf-8")))


def sentences(article: Article) -> list[str]:
    return [s.text for s in article.sentences]


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "reuters-1863.txt",
            "WASHINGTON, March 4 - U.S. Trade Representative Clayton Yeutter said he expects imports to "
            "fall soon but he was concerned about the lack of improvement in U.S. exports given the "
            "dollar's decline in the last 18 months.",
        ),
        (
            "reuters-1863.txt",
            "I'm more concerned about the export side,\" he told a House Appropriations subcommittee.",
        ),
        (
            "reuters-1811.txt",
            "Asked by a committee member if he expected a further decline, and how much, Yeutter said the "
            'Taiwan and South Korean currencies should be adjusted to reflect "positive factors" in their '
            "economies.",
        ),
        (
            "reuters-1848.txt",
            "WASHINGTON, March 4 - A meeting among government agencies today reaffirmed the strong "
            "opposition of the United States to a proposed new tax on vegetable oils and fats in the "
            "European Community, U.S. trade officials said.",
        ),
        (
            "reuters-1848.txt",
            "Suzanne Early, assistant trade representative, told Reuters the interagency meeting was to "
            "discuss U.S. strategy on the vegetable oils issue.",
        ),
        (
            "reuters-1848.txt",
            "U.S. trade representative Clayton Yeutter Monday warned another major transatlantic trade "
            "row will develop if the EC proceeds with the vegetable oils tax.",
        ),
        (  # a word broken at its hyphen is joined without a space
            "reuters-1202.txt",
            "GENEVA, March 3 - General Motors hopes to sell between 7,000 and 8,000 North American-made "
            "vehicles in Europe this year, a five-fold rise over the year before, James Fry, "
            "vice-president of GM Overseas Distribution Corporation said.",
        ),
        (  # a paragraph that starts without an indent, after a line ending with a full stop
            "reuters-1202.txt",
            "Officials said GM sold 1,500 North American-made vehicles in the 1986 model year.",
        ),
        (
            "reuters-107.txt",
            "The victory list also included 80 warplanes downed, 250 anti-aircraft guns and 400 pieces of "
            "military hardware destroyed and the seizure of 220 tanks and armoured personnel carriers.",
        ),
        (
            "reuters-107.txt",
            "It quoted a joint statewment by the Iranian Army and Revolutionary Guards Corps as saying "
            'that their forces had "dealt one of the severest blows on the Iraqi war machine in the '
            'history of the Iraq-imposed war."',
        ),
        (
            "reuters-5.txt",
            "WASHINGTON, Feb 26 - The U.S. Agriculture Department reported the farmer-owned reserve "
            "national five-day average price through February 25 as follows (Dlrs/Bu-Sorghum Cwt) -",
        ),
        (
            "reuters-5.txt",
            "Level IV reflects grain entered after Oct 6, 1981 for feedgrain and after July 23, 1981 for "
            "wheat.",
        ),
        (  # a dash at the start of a line goes on with the sentence of the line before
            "reuters-416.txt",
            "Banknotes in circulation rose by 834 mln francs to 24.79 billion while other deposits on "
            "call - mainly government funds - fell 1.60 billion francs to 1.04 billion.",
        ),
        (
            "reuters-3.txt",
            "The bank said the network would link 31 banks having 13.5 billion dlrs in assets and 7.5 "
            "billion dlrs in deposits.",
        ),
    ],
)
def test_wrapped_sentences_come_out_whole(name: str, sentence: str) -> None:
    assert sentence in sentences(story(name))


@pytest.mark.parametrize(
    ("name", "headline", "dateline", "last"),
    [
        (
            "reuters-1863.txt",
            "YEUTTER CONCERNED ABOUT U.S. EXPORT PICTURE",
            "WASHINGTON, March 4 - ",
            "Reuter",
        ),
        (
            "reuters-1811.txt",
            "YEUTTER SEEKS STRONGER TAIWAN, S.KOREA CURRENCIES",
            "WASHINGTON, March 4 - ",
            "Reuter",
        ),
        (
            "reuters-1848.txt",
            "U.S. REAFFIRMS OPPOSITION TO EC OILS TAX PLAN",
            "WASHINGTON, March 4 - ",
            "Reuter",
        ),
        # " More" (the story continues on another wire) is dropped as furniture, not glued to a sentence.
        (
            "reuters-1202.txt",
            "CORRECTED - GM SEES RISE IN EUROPEAN SALES",
            "GENEVA, March 3 - ",
            "Officials said GM sold 1,500 North American-made vehicles in the 1986 model year.",
        ),
        (
            "reuters-107.txt",
            "IRAN ANNOUNCES END OF MAJOR OFFENSIVE IN GULF WAR",
            "LONDON, Feb 26 - ",
            "Reuter",
        ),
        (
            "reuters-5.txt",
            "NATIONAL AVERAGE PRICES FOR FARMER-OWNED RESERVE",
            "WASHINGTON, Feb 26 - ",
            "Reuter",
        ),
        ("reuters-3.txt", "TEXAS COMMERCE BANCSHARES <TCB> FILES PLAN", "HOUSTON, Feb 26 - ", "Reuter"),
        ("reuters-416.txt", "SWISS SIGHT DEPOSITS RISE 3.10 BILLION FRANCS", "ZURICH, March 2 - ", "REUTER"),
    ],
)
def test_headline_dateline_and_signoff_stay_apart(name: str, headline: str, dateline: str, last: str) -> None:
    article = story(name)
    lines = article.text.split("\n")
    assert lines[0] == headline and sentences(article)[0] == headline
    assert lines[1].startswith(dateline)  # the dateline opens the first paragraph, not the headline's line
    assert sentences(article)[-1] == last
    if last in ("Reuter", "REUTER"):
        assert lines[-1] == last


def test_a_table_between_wrapped_paragraphs_keeps_its_rows() -> None:
    lines = story("reuters-5.txt").text.split("\n")
    for row in ("Natl Loan Release Call", "Wheat 2.55 2.40 IV 4.65 --", "V 4.65 --", "X - 1986 Rates."):
        assert row in lines


@pytest.mark.parametrize("name", sorted(p.name for p in WRAPPED.glob("*.txt")))
def test_offsets_point_into_the_joined_text(name: str) -> None:
    article = story(name)
    raw = (WRAPPED / name).read_text(encoding="utf-8")
    assert wrap_width(raw) is not None
    assert len(article.text.split("\n")) < len([line for line in raw.split("\n") if line.strip()])
    for number, sentence in enumerate(article.sentences):
        assert sentence.index == number
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert "\n" not in sentence.text


def test_the_speaker_keeps_his_title() -> None:
    article = story("reuters-1863.txt")
    (first, *_) = [a for a in find_attributions(article) if a.cue == "said"]
    assert first.speaker_text == "U.S. Trade Representative Clayton Yeutter"
    assert first.content.endswith("given the dollar's decline in the last 18 months")
    evidence = article.sentences[first.sentence_index].text
    assert evidence in article.text  # evidence is verbatim in what the store keeps as articles.text


def _paragraphs(article: Article) -> list[str]:
    return article.text.split("\n")


@pytest.mark.parametrize(
    ("layout", "width"),
    [
        ("blank lines", 72),  # e-mail: paragraphs separated by a blank line
        ("indented", 65),  # wire copy: each paragraph's first line indented
        ("indented", 100),
    ],
)
def test_sample_articles_rewrapped_clean_to_the_same_text(layout: str, width: int) -> None:
    documents, _ = read_folder(SAMPLE)
    for raw in documents:
        expected = clean_document(raw)
        paragraphs = [line for line in expected.text.split("\n")]
        if layout == "blank lines":
            text = "\n\n".join(textwrap.fill(p, width, break_long_words=False) for p in paragraphs)
        else:
            text = "\n".join(
                textwrap.fill(p, width, initial_indent="    ", break_long_words=False) for p in paragraphs
            )
        assert wrap_width(text) is not None, raw.doc
        rewrapped = clean_document(RawDocument(doc=raw.doc, text=text, title=raw.title, source=raw.source))
        assert _paragraphs(rewrapped) == _paragraphs(expected), raw.doc
        assert sentences(rewrapped) == sentences(expected), raw.doc


def test_a_list_of_headlines_is_not_joined() -> None:
    # Long lines without a full stop, but each one starts with a capital: one headline a line.
    manifest = shared_path("corpus", "news-2017-positions", "articles", "00008.txt").parent
    titles = [p.read_text(encoding="utf-8").split("\n", 1)[0] for p in sorted(manifest.glob("*.txt"))]
    for start in range(0, len(titles) - 20, 20):
        text = "\n".join(titles[start : start + 20])
        assert join_wrapped_lines(text) is text, titles[start]


def _unwrapped_corpus() -> list[RawDocument]:
    positions = shared_path("corpus", "news-2017-positions", "articles")
    documents, problems = read_folder(positions)
    assert problems == [] and len(documents) == 255
    sample, problems = read_folder(SAMPLE)
    assert problems == [] and len(sample) == 5
    return [*documents, *sample]


def test_text_that_is_not_wrapped_splits_exactly_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 255 news-2017-positions articles and the 5 sample articles: same text, same sentences, whether
    or not the joining step runs (one paragraph a line: every line break stays a sentence boundary)."""
    documents = _unwrapped_corpus()
    after = [clean_document(raw) for raw in documents]
    monkeypatch.setattr(pipeline.clean, "join_wrapped_lines", lambda text: text)
    before = [clean_document(raw) for raw in documents]
    assert [a.text for a in after] == [b.text for b in before]
    assert [a.sentences for a in after] == [b.sentences for b in before]
    assert [raw.doc for raw in documents if wrap_width(raw.text) is not None] == []


def test_short_or_single_line_text_is_returned_as_is() -> None:
    for text in ("", "One line.", "Hamas said yes.\nIsrael said no.\nTalks resume.", "x\n" * 3):
        assert join_wrapped_lines(text) is text


def test_width_of_real_wire_copy() -> None:
    for path in sorted(WRAPPED.glob("*.txt")):
        width = wrap_width(path.read_text(encoding="utf-8"))
        assert width is not None and 55 <= width <= 70, path.name


def test_signoffs_file_is_read() -> None:
    from pipeline.wrapped import SIGNOFFS_FILE, _signoffs

    words = _signoffs(SIGNOFFS_FILE)
    assert {"reuter", "-30-", "more"} <= words and not any(w.startswith("#") for w in words)


def test_claims_of_wire_copy_point_into_the_stored_text() -> None:
    """Through the batch stage (clean → claims) as a flow runs it: every occurrence's offsets cut its claim's
    evidence out of ``Article.text``, the text the store keeps; the trade representative is a speaker."""
    documents, problems = read_folder(WRAPPED)
    documents = [d for d in documents if d.doc.endswith(".txt")]  # not SOURCE.md
    assert problems == [] and len(documents) == 8
    prepared = prepare_batch(documents, None)
    texts = {a.article_id: a.text for a in prepared.articles}
    claims = [c for result in prepared.extractions.values() for c in result.claims]
    evidence = {c.claim_id: c.evidence for c in claims}
    occurrences = [o for result in prepared.extractions.values() for o in result.occurrences]
    assert occurrences
    for occurrence in occurrences:
        assert (
            texts[occurrence.article_id][occurrence.start : occurrence.end] == evidence[occurrence.claim_id]
        )
    assert "Clayton Yeutter" in {c.speaker for c in claims}
    assert not [c.evidence for c in claims if "\n" in c.evidence]
