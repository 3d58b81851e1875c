"""The reader on the seed corpus and on small articles written here, which the fit never saw."""

from __future__ import annotations

import pytest

from rag.answerer.phrasing import is_grounded
from rag.models import Citation
from rag.pipeline import Pipeline
from tests.conftest import DOC_14YMEDIO, HEADLINE

FLOOD = """Severe floods hit the river town of Marlow Bend on Tuesday, killing 12 people and forcing
3,400 residents from their homes, the regional emergency agency said.

The agency's director, Helen Ostrova, 54, said rescue crews had pulled 85 people from flooded cars.
"We have never seen water rise this fast," she said.

The storm dropped 210 millimetres of rain in 24 hours. Repairs are expected to cost $1.5 billion, according
to the regional treasury.

The town's water plant, built in 1978, was shut down. Officials said COVID-19 rules no longer applied to
the shelters, which opened at the Riverside Arena."""

SHIPYARD = """Halden Marine said on Jan. 5, 2024 that it would buy the rival shipbuilder Kestrel Yards for
$820 million in cash. The deal, announced in Oslo, still needs approval from regulators.

Halden's chief executive, Ingrid Vale, said the combined company would employ 6,200 workers. Kestrel's
founder, Tomas Brandt, will leave the board when the deal closes."""

VOTE = """Voters in the county of Brennach re-elected Mayor Tomas Kell on Sunday. Kell won 18,204 votes, and his
rival Ines Marlo took 9,877 votes in the second round, the electoral commission said.

No candidate had won three terms in the county before, the commission said.

Counting was delayed at three polling stations, Dunmore, Ashby and Callan, because of a power cut."""

# Misses of the fitted reader on articles it never saw, kept as strict expected failures: each turns the
# suite red the day it starts passing, so the list stays true.
KNOWN_MISS = pytest.mark.xfail(strict=True, reason="a known miss of the fitted reader (issue 9 note)")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory, embedder) -> Pipeline:  # type: ignore[no-untyped-def]
    from rag.config import get_settings

    pipeline = Pipeline(get_settings(data_dir=tmp_path_factory.mktemp("news")), embedder=embedder)
    pipeline.add_document(FLOOD.encode(), "flood.txt", title="Floods kill 12 in Marlow Bend", date="2024-03-14")
    pipeline.add_document(SHIPYARD.encode(), "shipyard.txt", title="Halden to buy Kestrel Yards", date="2024-01-05")
    pipeline.add_document(VOTE.encode(), "vote.txt", title="Kell re-elected in Brennach", date="2024-05-13")
    return pipeline


def assert_offsets_round_trip(pipeline: Pipeline, citations: list[Citation]) -> None:
    for citation in citations:
        text = pipeline.document(citation.doc_id).text
        assert text[citation.start : citation.end] == citation.quote
        assert citation.quote in citation.passage
        if citation.answer_start is not None:
            assert citation.start <= citation.answer_start < citation.answer_end <= citation.end


def test_headline_question(corpus_pipeline: Pipeline) -> None:
    answer = corpus_pipeline.ask(HEADLINE)
    assert answer.answered
    assert answer.answer.startswith("Nine times, as of 19 February 2024.")
    first = answer.citations[0]
    assert first.doc_id == DOC_14YMEDIO
    assert "ninth visit" in first.quote
    assert first.date == "2024-02-19"
    assert_offsets_round_trip(corpus_pipeline, answer.citations)
    assert set(answer.timings_ms) == {"retrieve", "answer", "total"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people died in the floods?", "12"),
        ("how many residents had to leave their homes", "3,400"),
        ("How much will the repairs cost?", "$1.5 billion"),
        ("Who is the director of the emergency agency?", "Helen Ostrova"),
        ("How much did Halden agree to pay for Kestrel Yards?", "$820 million"),
        pytest.param("Who runs Halden Marine?", "Ingrid Vale", marks=KNOWN_MISS),  # names the other company
        ("When did the floods hit Marlow Bend?", "12 March 2024"),  # "on Tuesday", read against the date
        ("Where was the deal announced?", "Oslo"),
        ("How many workers will the combined company employ?", "6,200"),
    ],
)
def test_answers_on_articles_the_fit_never_saw(news: Pipeline, question: str, expected: str) -> None:
    answer = news.ask(question)
    assert answer.answered, answer.answer
    assert expected in answer.answer
    assert_offsets_round_trip(news, answer.citations)
    assert is_grounded(answer.answer, answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        # The count of people is not a count of children.
        pytest.param("How many children died in the floods?", marks=KNOWN_MISS),
        pytest.param("What is the population of Marlow Bend?", marks=KNOWN_MISS),
        "Who is the mayor of Marlow Bend?",
        pytest.param("How much did the water plant cost to build?", marks=KNOWN_MISS),
        "What is the GDP of Norway?",
        "Who won the election in Ravena?",
    ],
)
def test_near_misses_abstain(news: Pipeline, question: str) -> None:
    answer = news.ask(question)
    assert not answer.answered, answer.answer
    assert answer.answer.startswith("The corpus does not say.")
    assert_offsets_round_trip(news, answer.citations)


def test_a_count_in_a_parallel_clause_belongs_to_its_own_subject(news: Pipeline) -> None:
    """ "Kell won 18,204 votes, and Marlo took 9,877": each count answers for its own clause's subject."""
    assert "9,877" in news.ask("How many votes did Ines Marlo get?").answer
    assert "18,204" in news.ask("how many votes did kell win").answer


def test_a_denied_subject_denies_its_clause(news: Pipeline) -> None:
    answer = news.ask("Had any candidate won three terms in Brennach before?")
    assert answer.answer.startswith("No."), answer.answer


def test_a_list_names_every_coordinated_entity(news: Pipeline) -> None:
    answer = news.ask("At which polling stations was counting delayed?")
    assert all(name in answer.answer for name in ("Dunmore", "Ashby", "Callan")), answer.answer


def test_a_number_inside_a_name_or_an_age_is_no_count(news: Pipeline) -> None:
    answer = news.ask("How many people did rescue crews pull from flooded cars?")
    assert "85" in answer.answer
    assert "19" not in answer.answer
    assert "54" not in answer.answer


def answer_from(make_pipeline, question: str, *articles: tuple[str, str, str, str]):  # type: ignore[no-untyped-def]
    """The answer of a new pipeline holding only these articles, each (doc id, text, title, date)."""
    pipeline = make_pipeline()
    for doc_id, text, title, date in articles:
        pipeline.add_document(text.encode(), f"{doc_id}.txt", title=title, date=date)
    return pipeline.ask(question)


def test_newest_article_wins_when_articles_disagree(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    old = "The port of Ravena has received 40 cruise ships this season, the port authority said."
    new = "The port of Ravena has received 55 cruise ships this season, the port authority said."
    answer = answer_from(
        make_pipeline, "How many cruise ships has the port of Ravena received?",
        ("old", old, "Ravena season report", "2024-01-10"), ("new", new, "Ravena season update", "2024-03-01"),
    )  # fmt: skip
    assert answer.answered
    assert answer.answer.startswith("55 cruise ships, as of 1 March 2024")
    assert "differ" in answer.answer
    assert [c.doc_id for c in answer.citations] == ["new", "old"]


def test_a_count_of_something_else_is_no_differing_account(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """Only counts of the same thing differ: "the first leg" of a tour does not dispute "his ninth visit"."""
    visit = "This is the minister's ninth visit to the island since 2004, the foreign office said."
    leg = "The minister travelled to the island on Monday as the first leg of a regional tour."
    answer = answer_from(
        make_pipeline, "How many times has the minister visited the island?",
        ("visit", visit, "Minister's visit", "2024-02-19"), ("leg", leg, "Regional tour begins", "2024-02-20"),
    )  # fmt: skip
    assert answer.answer.startswith("Nine times"), answer.answer
    assert "differ" not in answer.answer
    assert [c.doc_id for c in answer.citations] == ["visit"]


def test_follow_up_uses_the_earlier_question(news: Pipeline) -> None:
    answer = news.ask("And how much will it cost?", history=["When did the floods hit Marlow Bend?"])
    assert answer.answered
    assert "$1.5 billion" in answer.answer


def test_grounding_check_rejects_numbers_and_names_not_quoted() -> None:
    quote = Citation(1, "d", "T", "2024-02-19", None, "This is his ninth visit to Havana.", 0, 34, "", 1.0)
    assert is_grounded("Nine times, as of 19 February 2024. [1]", [quote])
    assert not is_grounded("Ten times. [1]", [quote])
    assert not is_grounded("He met Putin. [1]", [quote])


def test_plural_dates_are_listed(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "The club won the regional cup in 1971, 1988 and 2003, and lost the final in 2019, the league said."
    answer = answer_from(
        make_pipeline, "In which years did the club win the regional cup?", ("cup", text, "Cup history", "2024-04-02")
    )
    assert all(year in answer.answer for year in ("1971", "1988", "2003")), answer.answer
    assert "2019" not in answer.answer


def test_a_count_about_another_place_is_no_differing_account(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """A newer article's majority in another parliament neither leads nor disputes the one asked about."""
    old = "In the Velmar parliament a party needs 201 seats for a majority, officials said."
    new = "In the Ostrand assembly a party needs 326 seats for a majority, officials said on Friday."
    answer = answer_from(
        make_pipeline, "How many seats does a party need for a majority in the Velmar parliament?",
        ("velmar", old, "Velmar votes", "2024-06-05"), ("ostrand", new, "Ostrand votes", "2024-07-05"),
    )  # fmt: skip
    assert answer.answer.startswith("201"), answer.answer
    assert "differ" not in answer.answer


def test_a_figure_is_listed_with_figures_only(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """ "140 mph (225 kph)": the unit in brackets restates the figure; the parser's apposition lists it, and the
    recogniser takes "kph" for a name, but a figure's list holds figures, not a bare word beside one."""
    text = (
        "Hurricane Velma came ashore near Port Tessin late on Thursday. Maximum sustained winds were estimated at "
        "140 mph (225 kph), and the minimum central pressure was 938 millibars, the Ostrand weather service said."
    )
    answer = answer_from(
        make_pipeline, "What were Velma's top sustained winds?",
        ("velma", text, "Hurricane Velma makes landfall", "2024-09-27"),
    )  # fmt: skip
    assert answer.answer.startswith("140 mph"), answer.answer
    assert " and kph" not in answer.answer


def test_a_list_of_a_stated_size_takes_that_many(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """ "Which two towns ...?" answered from a sentence whose parse coordinates nothing ("39 died in A and 22 in B")."""
    text = (
        "Of the 72 victims, 39 died in Marrowby and 22 in Ashcombe, the two towns at the tip of the peninsula. "
        "Kelsford recorded five deaths."
    )
    answer = answer_from(
        make_pipeline, "Which two towns had the most deaths?", ("quake", text, "Quake toll rises", "2024-01-03")
    )
    assert "Marrowby" in answer.answer, answer.answer
    assert "Ashcombe" in answer.answer, answer.answer
    assert "Kelsford" not in answer.answer


def test_an_article_about_another_crash_is_no_differing_account(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """Two crashes, two passenger counts, and neither count's sentence says which flight. Only the article that
    names the asked flight anywhere gives an account of it: the newer crash neither leads nor disputes it."""
    asked = (
        "Flight 516 crashed on landing on Sunday, the airline said. Rescuers searched the wreck through the "
        "night.\n\nThe plane carried 68 passengers and four crew."
    )
    other = (
        "Flight 902 skidded off the runway on Monday, the airline said. Rescuers searched the wreck through the "
        "night.\n\nThe plane carried 175 passengers and six crew."
    )
    answer = answer_from(
        make_pipeline, "How many passengers were on flight 516?",
        ("asked", asked, "Jet crashes on landing", "2023-01-15"),
        ("other", other, "Plane skids off runway", "2024-12-30"),
    )  # fmt: skip
    assert answer.answer.startswith("68 passengers"), answer.answer
    assert "differ" not in answer.answer
    assert [c.doc_id for c in answer.citations] == ["asked"]


def test_a_newer_article_the_reader_is_unsure_of_is_no_rival(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The newest account leads only among accounts of the same fact, not over a weekday said of something else."""
    old = "The count makes a verdict before the Nov. 5 presidential election close to impossible, lawyers said."
    new = "On Wednesday the visiting cardinal is due to call on the president at the presidential palace."
    answer = answer_from(
        make_pipeline, "What date is the presidential election?",
        ("trial", old, "Trial delayed", "2024-07-01"), ("visit", new, "Cardinal visits", "2024-09-02"),
    )  # fmt: skip
    assert answer.answer.startswith("Nov. 5"), answer.answer


def test_a_pronoun_sentence_is_about_the_person_named_before(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The night belonged to Ana Ruiz-Soto, who had announced her retirement in May. "
        "The 34-year-old Spaniard won her first title in 2012. "
        "She was substituted in the 85th minute to a standing ovation."
    )
    answer = answer_from(
        make_pipeline, "When was Ruiz-Soto substituted?", ("final", text, "Farewell at the final", "2024-06-02")
    )
    assert "85th" in answer.answer, answer.answer


def test_an_acronym_names_what_the_sentence_spells_out(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "The Northern Rail Authority said on Wednesday it would buy 4,200 new carriages for its lines."
    answer = answer_from(
        make_pipeline, "How many carriages is the NRA buying?", ("rail", text, "Rail order", "2024-06-02")
    )
    assert "4,200" in answer.answer, answer.answer


def test_an_undated_article_gives_its_date_as_written(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """No year is made up for "Monday, February 19" when the article has no date; and another article's ordinal
    ("his second trip") is no differing account of the date."""
    undated = "The minister travelled to Ostrand on a Monday, February 19, the first leg of a regional tour."
    dated = "It is the minister's second trip to Ostrand, officials said."
    answer = answer_from(
        make_pipeline, "When did the minister travel to Ostrand?",
        ("undated", undated, "Minister in Ostrand", None), ("dated", dated, "Second trip", "2024-02-25"),
    )  # fmt: skip
    assert answer.answer.startswith("Monday, February 19. [1]"), answer.answer
    assert "differ" not in answer.answer


def test_a_length_of_time_does_not_answer_when(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """ "three days" names no point in time; "three days later" and "in 1998" do."""
    pipeline = make_pipeline()
    text = "The bridge was closed for three days after the storm. Three days later it reopened, as in 1998."
    pipeline.add_document(text.encode(), "bridge.txt", title="Bridge reopens", date="2024-05-02")
    found = {c.text for c in pipeline.read("When was the bridge closed?").candidates}
    assert "three days" not in found
    assert {"Three days later", "1998"} <= found, found


def test_an_acronym_spelled_out_only_in_the_headline_is_known(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Ruiz-Soto was sentenced on Thursday to 12 years in prison for the fraud, the court said."
    answer = answer_from(
        make_pipeline, "How many years in prison did AMRS get?",
        ("amrs", text, "Ana Maria Ruiz-Soto sentenced for fraud", "2024-03-28"),
    )  # fmt: skip
    assert answer.answer.startswith("12 years"), answer.answer


def test_a_possessive_typed_without_its_apostrophe_is_the_name(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """ "kos party" is Ko's party: the name is in the article, so the reader answers rather than saying no article
    mentions "kos"."""
    text = (
        "The Tessin People's Party of former mayor Ko Wenli took eight seats. "
        "Ko's party will hold the balance in the new chamber, officials said."
    )
    answer = answer_from(
        make_pipeline, "how many seats did kos party win", ("vote", text, "Tessin votes", "2024-01-14")
    )
    assert not answer.answer.startswith("The corpus does not say"), answer.answer
    assert "eight" in answer.answer.lower(), answer.answer


def test_a_final_of_another_year_answers_no_question_about_this_one(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The question names a year its only article never gives: the article's final is another year's."""
    text = (
        "Ostrand Rovers won the cup final on Saturday, beating Velmar Town 2-1 in front of 40,000 fans. "
        "Tessin Marr scored the winning goal in the 88th minute."
    )
    article = ("final", text, "Rovers lift the cup", "2023-05-20")
    other_year = answer_from(make_pipeline, "Who scored the winning goal in the 2019 cup final?", article)
    assert not other_year.answered, other_year.answer
    this_year = answer_from(make_pipeline, "Who scored the winning goal in the 2023 cup final?", article)
    assert "Tessin Marr" in this_year.answer, this_year.answer  # the article's own date gives its year


def test_a_name_said_in_other_words_is_the_asked_one(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The answer's sentence says the asked city only as "the Portuguese capital": that is no other place, so the
    reader answers; a sentence that says nothing like the asked name still refuses (see the mayor test above)."""
    text = (
        "Ostrand opened an embassy in Lisbon in 1990. Its foreign minister flew home on Friday after two days of "
        "talks. Earlier this year, the deputy trade minister Tessin Marr visited the Portuguese capital to sign a "
        "shipping agreement."
    )
    answer = answer_from(
        make_pipeline,
        "Which deputy minister visited Lisbon?",
        ("visit", text, "Ostrand minister ends tour", "2024-03-01"),
    )
    assert "Tessin Marr" in answer.answer, answer.answer
