import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.config import load_settings
from cspersona.ingest import anonymize
from cspersona.ingest.anonymize import RecordAnonymizer, Scope, catalogue_words, worker_count

TEXT = "Thanks for joining, Hope. The Flowbase comparison is on the Growth plan slide."


def anonymizer(**overrides: object) -> RecordAnonymizer:
    settings = load_settings(**({"secret_key": "k", "ingest_workers": 1} | overrides))
    return RecordAnonymizer(settings, load_catalogue())


def test_participants_and_contacts_are_found_as_names_in_their_scope() -> None:
    records = anonymizer()

    assert records.text(TEXT, Scope.of("cus_1")) == TEXT  # "Hope" alone is an everyday word
    by_participant = records.text(TEXT, Scope.of("cus_1", ["Hope Bishop"]))
    records.know_contact("cus_2", "Hope Bishop")
    by_contact = records.text(TEXT, Scope.of("cus_2"))

    assert by_participant == by_contact and "Hope" not in by_participant
    assert "Flowbase" in by_participant and "Growth" in by_participant


def test_company_and_product_words_are_never_names() -> None:
    records = anonymizer()
    text = "Please ask Kessler Brandt about Tallyworks Opscale."
    assert {"tallyworks", "opscale"} <= catalogue_words(load_catalogue())

    assert "Kessler" not in (records.text(text, Scope.of("cus_3")) or "")
    records.know_company("cus_3", "Kessler Brandt")

    assert records.text(text, Scope.of("cus_3")) == text


def test_contact_fields_are_pseudonymised_unless_kept() -> None:
    fields = anonymizer().contact_fields("Priya Raman", "priya@acme.example", "+44 20 7946 0958")
    kept = anonymizer(pii_contact_fields="keep").contact_fields("Priya Raman", None, None)

    assert fields["name"] != "Priya Raman"
    assert fields["email"] is not None and fields["email"].endswith("@example.com")
    assert fields["phone"] is not None and fields["phone"].startswith("+1 555")
    assert kept == {"name": "Priya Raman", "email": None, "phone": None}


def test_bulk_anonymisation_in_worker_processes_matches_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [
        (f"Hi Priya Raman, call +44 20 7946 {n:04d} about case {n}.", Scope.of("cus_1"))
        for n in range(40)
    ]
    sequential = anonymizer().texts(texts)
    parallel = anonymizer(ingest_workers=2)
    monkeypatch.setattr(anonymize, "PARALLEL_MIN_TEXTS", 10)
    try:
        result = parallel.texts(texts)
        assert parallel.pool is not None  # the work really went to other processes
    finally:
        parallel.close()

    assert result == sequential
    assert all("Priya" not in text for text in result if text)


def test_empty_values_and_disabled_pii_pass_through() -> None:
    assert anonymizer().texts([(None, Scope()), ("", Scope())]) == [None, ""]
    assert anonymizer(pii_enabled=False).text("Call Priya Raman", Scope()) == "Call Priya Raman"


def test_worker_count_defaults_to_the_cores_up_to_four() -> None:
    assert worker_count(load_settings(ingest_workers=3)) == 3
    assert 1 <= worker_count(load_settings()) <= 4
