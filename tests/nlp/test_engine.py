import pytest

from cspersona.config import get_settings
from cspersona.conversations.hygiene import HYGIENE_VERSION
from cspersona.exceptions import ConfigError
from cspersona.nlp.emotions import EMOTIONS
from cspersona.nlp.engine import NlpEngine, TextAnalysis
from cspersona.nlp.registry import AnalyzerRegistry
from cspersona.nlp.sentiment import VaderSentiment


@pytest.fixture(scope="module")
def engine() -> NlpEngine:
    return NlpEngine(settings=get_settings())


def analyse(engine: NlpEngine, text: str) -> TextAnalysis:
    (result,) = engine.analyze([text])
    return result


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀🎉", "🙄", "!!!", "\x00\x01", "<p></p>", "> only a quote"],
)
def test_empty_and_symbol_only_texts_are_neutral(engine: NlpEngine, text: str) -> None:
    result = analyse(engine, text)

    assert result.sentiment.label == "neutral"
    assert set(result.emotions) == set(EMOTIONS)
    assert all(0 <= score <= 1 for score in result.emotions.values())


def test_a_100_kb_message_is_cut_and_scored(engine: NlpEngine) -> None:
    result = analyse(engine, "The export keeps failing and support never answers. " * 2000)

    assert len(result.cleaned_text) <= 20_000
    assert result.sentiment.label == "negative"


def test_quoted_chains_and_signatures_do_not_count(engine: NlpEngine) -> None:
    thanks = "Thank you so much, it works perfectly now!"
    chain = (
        f"{thanks}\n\nBest regards,\nJane\n\nOn Tue, 4 Jun 2025, Support wrote:\n"
        "> This is terrible, everything is broken and we are furious.\n> Awful."
    )

    assert analyse(engine, chain).cleaned_text == thanks
    assert analyse(engine, chain).sentiment.label == "positive"


def test_html_is_stripped_before_scoring(engine: NlpEngine) -> None:
    result = analyse(engine, "<div>Thanks, <b>great</b> help&nbsp;today!</div><style>x{}</style>")

    assert result.cleaned_text == "Thanks, great help today!"
    assert result.sentiment.label == "positive"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola, necesito ayuda con la exportación de datos por favor", "es"),
        ("Bonjour, notre tableau de bord ne fonctionne plus depuis hier", "fr"),
        ("Die Synchronisierung mit Salesforce schlägt seit gestern fehl", "de"),
        ("Olá, o painel não carrega desde ontem, podem ajudar?", "pt"),
        ("The dashboard export fails since yesterday", "en"),
        ("ok", "en"),
    ],
)
def test_language_among_the_configured_ones(engine: NlpEngine, text: str, language: str) -> None:
    assert analyse(engine, text).language == language


def test_mixed_language_text_gets_one_language_and_no_crash(engine: NlpEngine) -> None:
    result = analyse(engine, "Hello team, la exportación falla otra vez, merci beaucoup!")

    assert result.language in {"en", "es", "fr"}


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("Thank you so much for your help, we really appreciate it", "gratitude"),
        ("I'm confused, I don't understand how this setting works", "confusion"),
        ("Production is down, we need this fixed ASAP", "urgency"),
        ("This is so annoying, still not fixed, very disappointed", "frustration"),
    ],
)
def test_the_expected_emotion_is_the_strongest(engine: NlpEngine, text: str, emotion: str) -> None:
    emotions = analyse(engine, text).emotions

    assert max(emotions, key=emotions.__getitem__) == emotion


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Still waiting on my refund, this is the third time I ask", "negative"),
        ("I have been on hold for an hour, unacceptable", "negative"),
        ("Our order was cancelled again and nobody told us", "negative"),
        ("Can you tell me how to add a user to our workspace?", "neutral"),
        ("Thanks a lot, the fix works perfectly", "positive"),
    ],
)
def test_customer_service_sentiment(engine: NlpEngine, text: str, label: str) -> None:
    result = analyse(engine, text)

    assert result.sentiment.label == label
    assert -1 <= result.sentiment.score <= 1


def test_versions_name_every_analyser(engine: NlpEngine) -> None:
    assert engine.versions["sentiment"] == "linear@2"
    assert engine.versions["cleaning"] == HYGIENE_VERSION
    assert set(engine.versions) == {
        "cleaning",
        "sentiment",
        "emotions",
        "entities",
        "language",
        "sophistication",
    }


def test_registry_add_and_remove_change_what_runs() -> None:
    registry = AnalyzerRegistry([VaderSentiment()])
    engine = NlpEngine(registry, settings=get_settings())
    (result,) = engine.analyze(["I love it"])
    assert result.sentiment.label == "positive"
    assert result.language is None

    registry.remove("sentiment")

    assert engine.versions == {"cleaning": HYGIENE_VERSION}


def test_an_unknown_task_is_refused() -> None:
    sentiment = VaderSentiment()
    sentiment.task = "sarcasm"

    with pytest.raises(ConfigError, match="sarcasm"):
        NlpEngine(AnalyzerRegistry([sentiment]), settings=get_settings())


def test_worker_processes_give_the_same_results_as_one_process() -> None:
    texts = [
        "Thanks for the quick fix, but the Salesforce sync is still failing with HTTP 429!",
        "Can we upgrade to the Enterprise plan before 2026-12-01? Budget is $40,000.",
        "La exportación falla otra vez desde la versión 2.3.1, es urgente.",
        "",
        "Brilliant support as always, thank you 🙏",
    ] * 3
    in_process = NlpEngine(settings=get_settings(), workers=1).analyze(texts)

    with NlpEngine(settings=get_settings(), workers=2) as engine:
        engine.parallel_min_texts = 4
        in_workers = engine.analyze(texts)
        assert engine._pool is not None

    assert engine._pool is None
    assert in_workers == in_process
