"""Facts: what a simulated customer states about their account, stated once and kept."""

from datetime import date

from cspersona.chat.facts import account_facts, asked, described, mentions, settle


def test_the_facts_a_sentence_states_are_found_with_their_values() -> None:
    found = mentions("We pay $20,000 a year, have 40 paid seats and 25 active users.")

    assert [(m.key, m.value) for m in found] == [
        ("annual_price", "$20,000"),
        ("seats", "40"),
        ("active_users", "25"),
    ]
    assert [m.key for m in mentions("Acme quoted us 30% less and we had 3 outages.")] == [
        "competitor_discount",
        "incidents",
    ]
    assert mentions("Version 5.2.8 failed at 09:15 UTC.") == []


def test_a_fact_already_stated_is_told_again_with_the_same_value() -> None:
    facts = {"annual_price": "$10,620", "active_users": "181"}

    assert settle("We pay $20,000 a year and this is what we get.", facts) == (
        "We pay $10,620 a year and this is what we get.",
        {},
    )
    assert settle("About 45 people actually use it.", facts) == (
        "About 181 people actually use it.",
        {},
    )


def test_a_new_fact_is_added_and_a_contradicting_count_is_refused() -> None:
    assert settle("We had 3 outages this week.", {}) == (
        "We had 3 outages this week.",
        {"incidents": "3"},
    )
    assert settle("We waited 5 days for an answer.", {"count:day": "3"}) is None
    assert settle("We waited 3 days for an answer.", {"count:day": "3"}) == (
        "We waited 3 days for an answer.",
        {},
    )


def test_questions_about_the_account_are_recognised() -> None:
    assert asked("How many people use it, and what are you paying?") == [
        "active_users",
        "annual_price",
    ]
    assert asked("When is your renewal date?") == ["renewal_date"]
    assert asked("How many of the licences are in use today?") == ["active_users"]
    assert asked("How are your users finding the dashboards?") == []


def test_an_account_record_gives_facts_as_a_customer_says_them() -> None:
    assert account_facts(annual_price=10_617.4, active_users=181, renewal=date(2027, 3, 4)) == {
        "annual_price": "$10,620",
        "active_users": "181",
        "renewal_date": "March 4",
    }
    assert account_facts(annual_price=None, active_users=0, renewal=None) == {}


def test_facts_are_described_in_words_for_a_language_model() -> None:
    assert described("annual_price") == "what you pay a year"
    assert described("count:day") == "days"


def test_the_customers_own_team_and_deadline_are_facts_too() -> None:
    assert settle("I'm reaching out on behalf of our sales team.", {"own_team": "finance"}) == (
        "I'm reaching out on behalf of our finance team.",
        {},
    )
    assert settle("Our leadership team needs it by May 26.", {"deadline": "April 7"}) == (
        "Our leadership team needs it by April 7.",
        {},
    )
    assert [m.key for m in mentions("Our renewal is due on March 3.")] == ["renewal_date"]
    assert [m.value for m in mentions("Main contract renews June 8; the add-on in April.")] == [
        "June 8"
    ]
