"""Classes of question the reader once got wrong, each on real spaCy parses of sentences written here: the
figure bound to the asked name, the amount told with its unit, an acronym spelled out, "before?" answered by
"the first", an age question with no age to give, a score question answered by the scoreline, and yes/no questions
answered from the sentence that says what they ask, of whom they ask it."""

from __future__ import annotations

from rag.answerer.accounts import enumerated_lead
from rag.answerer.candidates import extract
from rag.answerer.evidence import Evidence, key_of, token_keys
from rag.answerer.features import candidate_features
from rag.answerer.phrasing import phrase_candidate
from rag.answerer.polarity import addressing_evidence, yes_or_no
from rag.answerer.question import Question, analyse
from rag.answerer.shapes import disagrees_in_type
from rag.answerer.terms import spells_out
from rag.language import Sentence, parse
from rag.models import Chunk, Passage
from tests.conftest import span_of


def _evidence(question: Question, text: str) -> Evidence:
    """One sentence as the reader gathers it, each question term found where the sentence says it."""
    chunk = Chunk("c1", "d1", text, 0, len(text), "A title", "2024-02-19", None, "h")
    span = next(iter(parse(text).sents))
    item = Evidence(Passage(chunk, 1.0), 0, Sentence(span.text, 0, len(span.text)), span, token_keys(span), set())
    for token in span:
        if key_of(token) in question.terms:
            item.term_tokens.setdefault(key_of(token), set()).add(token.i)
    item.term_weights = {term: 2.0 if term in question.names else 1.0 for term in question.terms}  # names are rarer
    return item


def test_the_figure_beside_the_asked_name_is_bound_to_it(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("How many seats did the Greens win?", embedder)
    item = _evidence(question, "The final count gave Labour 412 seats and the Greens four.")
    candidates = extract(question, [item])
    candidate_features(question, candidates, embedder)
    bound = {c.text: c.features["bound_tokens"] for c in candidates}
    assert bound["four"] > bound["412"]


def test_an_amount_is_told_with_the_noun_it_measures(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("How much land did the flood cover?", embedder)
    item = _evidence(question, "The water covered about 100 hectares of farmland.")
    said = [phrase_candidate(question, c, []) for c in extract(question, [item])]
    assert "about 100 hectares" in said
    charges = analyse("How many charges does the indictment hold?", embedder)
    item = _evidence(charges, "The judge must now go through the four-count indictment, and 12 jurors will hear it.")
    said = [phrase_candidate(charges, c, []) for c in extract(charges, [item])]
    assert said[0].startswith("four,"), said  # not "four-count"
    assert said[1].startswith("12 jurors"), said
    text = "Marrowco agreed to pay $95 per share, closing a $68.7 billion deal for Velin Games."
    total = analyse("How much did Marrowco pay for Velin Games?", embedder)
    said = [phrase_candidate(total, c, []) for c in extract(total, [_evidence(total, text)])]
    assert said == ["$68.7 billion deal"], said  # a figure per share is no total
    each = analyse("How much did Marrowco pay per share?", embedder)
    said = [phrase_candidate(each, c, []) for c in extract(each, [_evidence(each, text)])]
    assert "$95" in said, said  # the currency the recogniser left out of the span


def test_an_acronym_is_found_spelled_out() -> None:
    text = "The Northern Rail Authority backed 293 routes, the Board of Harbour Pilots said."
    assert spells_out("nra", text)
    assert spells_out("BHP", text)  # "of" between the initials is skipped
    assert not spells_out("NRX", text)
    assert not spells_out("n-a", text)


def test_had_it_happened_before_is_answered_by_the_first(embedder) -> None:  # type: ignore[no-untyped-def]
    before = analyse("Had any other country landed a probe near the pole before?", embedder)
    item = _evidence(before, "India became the first country to land a probe near the pole.")
    assert yes_or_no(before, item) == "No"
    first = analyse("Was India the first country to land a probe near the pole?", embedder)
    assert yes_or_no(first, _evidence(first, "India became the first country to land a probe near the pole.")) == "Yes"
    assert not analyse("Did the probe land before the rover?", embedder).asks_precedent


def test_an_age_question_takes_only_an_age(embedder) -> None:  # type: ignore[no-untyped-def]
    how_old = analyse("How old is the pilot?", embedder)
    assert disagrees_in_type(how_old, span_of("The pilot had flown 4,000 hours.", "4,000"))
    assert not disagrees_in_type(how_old, span_of("The pilot, Ana Ruiz, 41, landed safely.", "41"))
    how_many = analyse("How many hours had the pilot flown?", embedder)
    assert not disagrees_in_type(how_many, span_of("The pilot had flown 4,000 hours.", "4,000"))


def test_a_misspelt_inflected_word_is_read_as_its_stem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.answerer.terms import correct_typo, term_key
    from rag.index.lexical import LexicalIndex

    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    words = "The evacuation of the burning ferry took 18 minutes, the harbour master said."
    index.replace_document("d", "w", [Chunk("d:w:0", "d", words, 0, len(words), "t", None, None, "h", "w")])
    assert correct_typo(term_key("evacuaton"), index) == term_key("evacuation")
    assert correct_typo(term_key("Toyama"), index) == term_key("Toyama")  # no known stem in front: stays unknown


def test_a_hyphenated_name_gives_each_part_an_initial() -> None:
    assert spells_out("ars", "Ana Ruiz-Soto told the court she was innocent.")


def test_a_name_the_question_types_in_another_form_is_no_answer(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("who is marrowcos ceo", embedder)
    item = _evidence(question, "Ana Ruiz, Marrowco's chief executive, said the deal was done.")
    found = {c.text for c in extract(question, [item])}
    assert "Ana Ruiz" in found
    assert "Marrowco" not in found
    cities = analyse("Which cities hosted the talks?", embedder)  # the asked noun names no candidate
    assert "Summit City" in {c.text for c in extract(cities, [_evidence(cities, "They met in Summit City.")])}
    city = analyse("Which city hosted the talks?", embedder)  # nor as the question types it
    assert "Summit City" in {c.text for c in extract(city, [_evidence(city, "They met in Summit City.")])}
    where = analyse("Where were this year's Velmar Awards held?", embedder)  # a name with a number is a name
    found = {c.text for c in extract(where, [_evidence(where, "The 96th Velmar Awards were held in Ostrand.")])}
    assert "Ostrand" in found
    assert not any("Velmar" in text for text in found), found


def test_what_would_have_happened_did_not(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Did Marco Venn win his tenth title?", embedder)
    unreal = _evidence(question, "Victory would have brought Marco Venn a tenth title, a record.")
    real = _evidence(question, "Victory brought Marco Venn a tenth title, a record.")
    assert (yes_or_no(question, unreal), yes_or_no(question, real)) == ("No", "Yes")


def test_a_score_question_takes_the_scoreline(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("What was the score in the final?", embedder)
    item = _evidence(question, "Marrow United beat Tidewater 2-1 in the final in front of 70,000 fans.")
    found = {c.text: c.label for c in extract(question, [item])}
    assert found.get("2-1") == "SCORE"
    assert question.tiers[0] == ("SCORE",)
    assert set(found) == {"2-1"}  # not "70,000", nor a number of the scoreline: a lone number only when none is found
    item = _evidence(question, "Marrow United won the final in front of 70,000 fans.")
    assert {c.text for c in extract(question, [item])} == {"70,000"}


def test_a_part_answers_no_to_the_whole(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Is the Ridgeback fire fully contained?", embedder)
    partly = _evidence(question, "The Ridgeback fire was 60 per cent contained on Friday, officials said.")
    wholly = _evidence(question, "The Ridgeback fire was fully contained on Friday, officials said.")
    assert yes_or_no(question, partly) == "No"
    assert yes_or_no(question, wholly) == "Yes"
    joined = analyse("Did the judge join the whole opinion?", embedder)
    assert yes_or_no(joined, _evidence(joined, "The judge joined most of the opinion and wrote separately.")) == "No"


def test_a_part_of_something_else_does_not_answer_no(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Is the Ridgeback fire fully contained?", embedder)
    item = _evidence(question, "The Ridgeback fire is fully contained, and crews have cleared half of the roads.")
    assert yes_or_no(question, item) == "Yes"


def _said(question: Question, text: str, support: float = 0.9) -> Evidence:
    """Evidence whose event tokens are the question's event verb where the sentence says it in the same word."""
    item = _evidence(question, text)
    item.event_tokens = {t.i for t in item.span if t.pos_ == "VERB" and key_of(t) == question.event}
    item.support = support
    return item


def test_a_yes_no_question_is_answered_from_the_sentence_that_says_it(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Was anybody sitting beside the hatch when it failed?", embedder)
    topical = _said(question, "Two bolts were missing when the hatch failed over the lake.", 0.84)
    saying = _said(question, "No one had been sitting next to the hatch.", 0.70)
    chosen = addressing_evidence(question, [topical, saying], threshold=0.5)
    assert chosen is saying
    assert yes_or_no(question, chosen) == "No"
    saying.support = 0.55  # far below the best: the best-supported sentence stays
    assert addressing_evidence(question, [topical, saying], threshold=0.5) is topical


def test_a_yes_no_question_stating_a_figure_takes_a_sentence_stating_it(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Was this the first fatal crash in Norvik Air history?", embedder)
    other = _said(question, "The accident is the deadliest involving a Norvik airline since 1997.", 0.957)
    stating = _said(question, "It is the first crash in the airline's history in which people died.", 0.954)
    chosen = addressing_evidence(question, [other, stating], threshold=0.5)
    assert chosen is stating
    assert yes_or_no(question, chosen) == "Yes"


def test_the_asked_event_said_of_another_answers_no(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Did Venn win the final?", embedder)
    assert yes_or_no(question, _said(question, "Castell won the final in three sets.")) == "No"
    assert yes_or_no(question, _said(question, "Venn won the final in three sets.")) == "Yes"
    # a possessor is not the actor: "Castell's side" may be the asked one
    cup = analyse("Did Norland win the cup?", embedder)
    assert yes_or_no(cup, _said(cup, "Castell's side won the cup on Sunday.")) == "Yes"
    # the asked name as a possessor, or an acronym spelled out, is the asked actor
    warned = analyse("Did Ostrand's weather service warn the town?", embedder)
    said = "Ostrand's National Weather Centre warned the town on Monday."
    assert yes_or_no(warned, _said(warned, said)) == "Yes"
    ruled = analyse("Did the NRA approve the route?", embedder)
    assert yes_or_no(ruled, _said(ruled, "The Northern Rail Authority approved the route.")) == "Yes"
    assert yes_or_no(ruled, _said(ruled, "The Harbour Board approved the route.")) == "No"


def test_a_denying_verb_that_is_the_asked_predicate_does_not_deny(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Did the council reject the plan?", embedder)
    assert yes_or_no(question, _said(question, "The council rejected the plan on Monday.")) == "Yes"
    assert yes_or_no(question, _said(question, "The council did not reject the plan.")) == "No"


def test_a_negation_reaches_a_question_word_said_in_other_words(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Is Norland part of the war?", embedder)
    item = _said(question, "Norland is not part of the conflict, the ministry said.")
    assert yes_or_no(question, item) == "Yes"  # "war" is not there in the same word
    item.term_tokens["war"] = {t.i for t in item.span if t.lower_ == "conflict"}  # the reader's match in meaning
    assert yes_or_no(question, item) == "No"


def test_negative_pronouns_and_a_denied_opening_phrase_deny_the_clause(embedder) -> None:  # type: ignore[no-untyped-def]
    hurt = analyse("Was anybody hurt in the blast?", embedder)
    assert yes_or_no(hurt, _said(hurt, "Nobody was hurt in the blast, the fire service said.")) == "No"
    assert yes_or_no(hurt, _said(hurt, "None of the workers was hurt in the blast.")) == "No"
    admit = analyse("Did Venn admit the fraud in court?", embedder)
    assert yes_or_no(admit, _said(admit, "At no point did Venn admit the fraud in court.")) == "No"
    assert yes_or_no(admit, _said(admit, "In court, Venn admitted the fraud.")) == "Yes"
    landed = analyse("Did the plane land safely?", embedder)
    assert yes_or_no(landed, _said(landed, "The plane landed safely with no injuries.")) == "Yes"
    assert yes_or_no(landed, _said(landed, "With no injuries, the plane landed safely.")) == "Yes"


def test_a_known_word_the_articles_lack_is_not_read_as_a_typo(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.answerer.terms import correct_typo, term_key
    from rag.index.lexical import LexicalIndex

    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    words = "The rear of the ferry was damaged; the ceremony at the harbour went ahead."
    index.replace_document("d", "w", [Chunk("d:w:0", "d", words, 0, len(words), "t", None, None, "h", "w")])
    # Without the question's word, "repair" is one edit from "rear": read as a typo of it.
    assert correct_typo(term_key("repair"), index) == term_key("rear")
    # With it, "repair" is an English word: a detail the articles do not give, so the question keeps it.
    assert correct_typo(term_key("repair"), index, "repair") == term_key("repair")
    assert correct_typo(term_key("cermony"), index, "cermony") == term_key("ceremony")  # not a word: a typo


def test_which_noun_is_answered_by_what_the_sentence_says_it_is(embedder) -> None:  # type: ignore[no-untyped-def]
    from rag.answerer.phrases import enumerated_with, focus_phrases

    recorders = analyse("Which recorders did the investigators recover?", embedder)
    text = "Investigators recovered the flight data recorder and the cockpit voice recorder on Friday."
    found = {c.text for c in extract(recorders, [_evidence(recorders, text)]) if c.label == "PHRASE"}
    assert found == {"flight data recorder", "cockpit voice recorder"}
    platforms = parse("Demand for its Quarra and Velin platforms kept rising, the company said.")[:]
    platform = key_of(platforms[6])
    assert [s.text for s in focus_phrases(platform, platforms, {platform})] == [
        "Quarra",
        "Velin",
    ]
    parts = parse("The probe has four parts, an orbiter, a lander, an ascender and a returner.")
    part = key_of(parts[4])
    assert [s.text for s in focus_phrases(part, parts[:], {part})] == [
        "orbiter",
        "lander",
        "ascender",
        "returner",
    ]
    lander = next(t for t in parts if t.text == "lander")
    assert {parts[i].text for i in enumerated_with(lander)} == {"orbiter", "ascender", "returner"}
    for text, noun, listed in (
        ("Capital would flow into strategic sectors such as transport, logistics and farming.", "sectors",
         ["transport", "logistics", "farming"]),
        ("The island faces shortages of food, medicine and fuel.", "shortages", ["food", "medicine", "fuel"]),
        ("They spoke of the political, economic and cultural spheres.", "spheres",
         ["political", "economic", "cultural"]),
        ("The private sectors of Velmar and Ostrand met.", "sectors", []),  # what the noun is of: no kind of it
        ("The price of oil rose.", "price", []),
    ):  # fmt: skip
        sentence = parse(text)[:]
        key = key_of(next(t for t in sentence if t.text == noun))
        assert [s.text for s in focus_phrases(key, sentence, {key})] == listed, text
    spheres = parse("They spoke of the political, economic and cultural spheres.")
    political = next(t for t in spheres if t.text == "political")
    assert {spheres[i].text for i in enumerated_with(political)} == {"economic", "cultural"}
    praised = parse("He praised former colleagues, including co-founder Gary Venn and his former girlfriend Ana Ruiz.")
    ruiz = next(t for t in praised if t.text == "Ruiz")
    assert "Venn" in {praised[i].text for i in enumerated_with(ruiz)}  # the girlfriend's name: a listed item's
    # A phrase made only of the question's words restates it: no answer.
    same = analyse("Which cockpit voice recorder was recovered?", embedder)
    text = "The cockpit voice recorder was recovered."
    assert "cockpit voice recorder" not in {c.text for c in extract(same, [_evidence(same, text)])}


def test_a_part_of_a_hyphened_name_is_no_typo(embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.answerer.reader import ExtractiveAnswerer
    from rag.index.lexical import LexicalIndex

    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    words = "The envoy met Ruiz-Canel in the capital; the talks were not cancelled."
    index.replace_document("d", "w", [Chunk("d:w:0", "d", words, 0, len(words), "t", None, None, "h", "w")])
    question = ExtractiveAnswerer(embedder).analyse("Where did the envoy meet Ruiz-Canel?", index)
    assert key_of(parse("Canel")[0]) in question.terms  # the index counts "ruiz-canel", never "canel"
    assert key_of(parse("cancel")[0]) not in question.terms


def test_a_time_of_day_is_given_without_a_day(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "5:47 p.m." names no day; the article's own (19 February 2024 here) may be the wrong one."""
    question = analyse("At what time did the ferry dock?", embedder)
    item = _evidence(question, "The ferry docked at 5:47 p.m. after a rough crossing, the harbour master said.")
    said = [phrase_candidate(question, c, []) for c in extract(question, [item]) if c.label == "TIME"]
    assert said == ["5:47 p.m."], said


def test_an_ordinal_or_a_small_bare_number_is_no_date_unless_it_stands_for_one(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "the second prime minister" ranks a person, "Ruiz, 23," gives an age: neither says when. "On the 5th" and
    "the 83rd minute" for "in which minute" do."""
    when = analyse("When will Ruiz be sworn in?", embedder)
    item = _evidence(when, "Ruiz, 23, is on course to become only the second mayor to win a third term.")
    assert [c.text for c in extract(when, [item])] == []
    item = _evidence(when, "Ruiz will be sworn in on the 5th, the council said.")
    assert [c.text for c in extract(when, [item])] == ["5th"]
    minute = analyse("In which minute did Ruiz score?", embedder)
    item = _evidence(minute, "Ruiz scored in the 83rd minute, his 23rd goal of the season.")
    found = [c.text for c in extract(minute, [item])]
    assert any("83rd" in text for text in found), found
    assert "23rd" not in found


def test_a_day_or_month_the_question_names_is_no_name_the_evidence_must_hold(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "on Sunday": the sentence with the time may give the date instead, or no day at all; Ruiz it must name."""
    question = analyse("At what time did Ruiz land on Sunday in March?", embedder)
    assert key_of(parse("Ruiz")[0]) in question.names
    assert not {key_of(parse("Sunday")[0]), key_of(parse("March")[0])} & set(question.names), question.names
    assert key_of(parse("Sunday")[0]) in question.terms  # still a word to match


def test_a_list_question_is_answered_by_an_enumeration(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "Which countries ...?": a lone name ranked first gives way to the next best listed with others; a question
    that says how many is filled from the ranking instead."""
    question = analyse("Which countries have reported cases?", embedder)
    lone = extract(question, [_evidence(question, "Ostrand has reported cases, officials said.")])
    listed = extract(question, [_evidence(question, "Cases were reported in Velmar, Quarra and Tessin.")])
    ranked = [*lone, *listed]
    assert [c.text for c in lone] == ["Ostrand"]
    assert enumerated_lead(ranked[0], ranked).text in {"Velmar", "Quarra", "Tessin"}
    assert enumerated_lead(listed[0], ranked) is listed[0]


def test_a_number_after_a_common_noun_names_it_and_counts_nothing(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("How many passengers were on board?", embedder)
    item = _evidence(question, "Officials said flight 516, a clade 2 outbreak aside, was carrying 367 passengers.")
    assert [c.text for c in extract(question, [item])] == ["367"]


def test_a_percentage_asked_for_is_answered_by_a_percentage_only(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "What percentage / share ..." asks for a proportion: the vote count beside it is no answer, and a sentence
    that gives no proportion gives no candidate."""
    question = analyse("What percentage of the vote did the Velmar party win?", embedder)
    item = _evidence(question, "The Velmar party won 5,586,019 votes, or 40.05 percent, officials said.")
    assert [c.text for c in extract(question, [item])] == ["40.05 percent"]
    share = analyse("What share of the combined company will Quarra holders own?", embedder)
    item = _evidence(share, "Ostrand's shareholders will hold about 60 per cent and Quarra's about 40 per cent.")
    assert {c.text for c in extract(share, [item])} == {"about 60 per cent", "about 40 per cent"}
    item = _evidence(share, "Quarra holders will receive 1.2 shares for each share they own, worth 3,000 dollars.")
    assert extract(share, [item]) == []


def test_a_day_alone_does_not_answer_what_time(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "At what time ...?" asks for the clock or the part of the day: the day the sentence also gives is no
    answer, and a sentence giving only the day gives no candidate."""
    question = analyse("At what time did the ferry dock?", embedder)
    item = _evidence(question, "The ferry docked on Thursday, June 6, at 5:47 p.m. after a rough crossing.")
    assert [c.text for c in extract(question, [item])] == ["5:47 p.m."]
    item = _evidence(question, "The ferry docked on Thursday, June 6, after a rough crossing.")
    assert extract(question, [item]) == []
