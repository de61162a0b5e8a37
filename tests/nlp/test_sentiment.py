from pathlib import Path

import pytest

from cspersona.nlp.sentiment import (
    LinearSentiment,
    TransformersSentiment,
    VaderSentiment,
    clauses,
)


def test_vader_uses_the_customary_band() -> None:
    results = VaderSentiment().analyze(["I love this", "It is a table", "I hate this"])

    assert [result.label for result in results] == ["positive", "neutral", "negative"]


def test_linear_scores_lie_in_range_and_follow_the_label() -> None:
    texts = ["Terrible, still broken", "What is the API limit?", "Brilliant support, thanks!"]

    results = LinearSentiment().analyze(texts)

    assert [result.label for result in results] == ["negative", "neutral", "positive"]
    assert results[0].score < 0 < results[2].score
    assert all(-1 <= result.score <= 1 for result in results)


def test_clauses_split_sentences_lines_and_contrasts() -> None:
    assert clauses("Thanks for the reply. The export still fails!\nAny news?") == [
        "Thanks for the reply.",
        "The export still fails!",
        "Any news?",
    ]
    assert clauses("Great call, but it is wrong") == ["Great call,", "it is wrong"]
    assert clauses("One sentence only.") == ["One sentence only."]
    assert clauses("Fine. :)") == ["Fine. :)"]


def test_a_complaint_outweighs_the_politeness_around_it() -> None:
    polite_complaint = (
        "Thanks so much for the quick reply, really appreciate it. "
        "Unfortunately the export is still broken and we have been waiting for a week."
    )
    analyzer = LinearSentiment()

    (result,) = analyzer.analyze([polite_complaint])
    whole_text_only = analyzer._probabilities(analyzer._model.featurise([polite_complaint]))

    assert whole_text_only.argmax() != 0  # the politeness alone would hide the complaint
    assert result.label == "negative"
    assert result.score < 0


def tiny_model(folder: Path) -> Path:
    """A randomly initialised RoBERTa classifier with a word-level tokenizer, saved locally."""
    transformers = pytest.importorskip(
        "transformers", reason="the transformers extra (transformers, torch) is not installed"
    )
    pytest.importorskip("torch", reason="the transformers extra (torch) is not installed")
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = "the export is broken thanks great help slow".split()
    vocabulary = {"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3} | {
        word: index + 4 for index, word in enumerate(words)
    }
    backend = Tokenizer(models.WordLevel(vocabulary, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="<unk>",
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        model_max_length=32,
    )
    config = transformers.RobertaConfig(
        vocab_size=len(vocabulary),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=40,
        pad_token_id=0,
        num_labels=3,
        id2label={0: "negative", 1: "neutral", 2: "positive"},
        label2id={"negative": 0, "neutral": 1, "positive": 2},
    )
    transformers.RobertaForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_transformers_backend_loads_a_local_model_through_the_pipeline(tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "tiny")
    analyzer = TransformersSentiment(str(folder))

    results = analyzer.analyze(["the export is broken", "", "thanks great help " * 50])

    assert analyzer.signature == f"transformers@{folder}"
    assert results[1].label == "neutral" and results[1].score == 0
    for result in results:
        assert result.label in {"negative", "neutral", "positive"}
        assert -1 <= result.score <= 1


def test_two_class_models_have_no_neutral() -> None:
    probabilities = TransformersSentiment._probabilities(
        [{"label": "NEGATIVE", "score": 0.2}, {"label": "POSITIVE", "score": 0.8}]
    )

    assert probabilities == [0.2, 0.0, 0.8]
