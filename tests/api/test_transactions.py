"""Every route that writes stores what it wrote: the real app, its real session, a fresh read.

These tests use :func:`committed_app` (no test session swapped in for ``get_db``), so a route
whose writes are never committed fails here even though it answers 2xx. The database is shared by
the tests of a backend: each seeds rows under names of its own and reads back only those.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cspersona.auth.keys import key_digest
from cspersona.auth.models import ApiKey, Role, User
from cspersona.chat import service as chat_service
from cspersona.chat import streaming as chat_streaming
from cspersona.chat.models import ChatConversation, ScenarioRun
from cspersona.config import Settings
from cspersona.customers.models import Customer
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.exceptions import Unavailable
from cspersona.ingest.models import IngestionRun, RunStatus
from cspersona.jobs.models import Job, JobStatus
from cspersona.llm.client import LLMClient
from cspersona.llm.models import LLMCall
from cspersona.personas.models import Persona, PersonaEdit, PersonaFeedback
from tests.chat.conftest import PRICE_MESSAGES
from tests.chat.conftest import add_persona as add_chatty_persona
from tests.conftest import add_user_with_key, bearer
from tests.factories import add_customer, add_persona
from tests.llm.test_client import ScriptedProvider


@pytest.fixture
def unique() -> str:
    """A name no other test on the shared database uses."""
    return uuid.uuid4().hex[:10]


@contextmanager
def committed(engine: Engine) -> Iterator[Session]:
    """A session whose writes are committed when the block ends: seeding, as an import would."""
    with session_scope(make_session_factory(engine)) as db_session:
        yield db_session


@contextmanager
def fresh(engine: Engine) -> Iterator[Session]:
    """A new session, which sees only what was committed."""
    with make_session_factory(engine)() as db_session:
        yield db_session


def test_persona_feedback_is_stored(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    with committed(committed_engine) as db_session:
        customer = add_customer(db_session, f"Feedback {unique}", csm_owner=unique)
        add_persona(db_session, [customer], name=f"Persona {unique}")
    csm = committed_client_for(Role.CSM, csm_owner=unique)

    response = csm.post(
        f"/api/customers/{customer.id}/persona/feedback",
        json={"agree": False, "comment": "rather a power user"},
    )

    assert response.status_code == 201, response.text
    with fresh(committed_engine) as db_session:
        stored = db_session.scalars(
            select(PersonaFeedback).where(PersonaFeedback.customer_id == customer.id)
        ).one()
        assert (stored.id, stored.agree, stored.comment) == (
            response.json()["id"],
            False,
            "rather a power user",
        )


def test_a_persona_rename_and_its_edit_are_stored(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    with committed(committed_engine) as db_session:
        customer = add_customer(db_session, f"Rename {unique}")
        persona = add_persona(db_session, [customer], name=f"Persona {unique}")
    analyst = committed_client_for(Role.ANALYST)

    response = analyst.patch(f"/api/personas/{persona.id}", json={"name": f"Renamed {unique}"})

    assert response.status_code == 200, response.text
    with fresh(committed_engine) as db_session:
        assert db_session.get(Persona, persona.id).name == f"Renamed {unique}"  # type: ignore[union-attr]
        edit = db_session.scalars(
            select(PersonaEdit).where(PersonaEdit.persona_id == persona.id)
        ).one()
        assert (edit.field, edit.old_value) == ("name", f"Persona {unique}")


def test_a_new_user_their_key_and_its_revocation_are_stored(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    admin = committed_client_for(Role.ADMIN)

    user = admin.post("/api/users", json={"name": f"user-{unique}", "role": "viewer"})
    created = admin.post("/api/keys", json={"user_id": user.json()["id"], "label": unique})
    with fresh(committed_engine) as db_session:
        stored_user = db_session.scalars(select(User).where(User.name == f"user-{unique}")).one()
        stored_key = db_session.get(ApiKey, created.json()["id"])
        assert stored_key is not None and stored_key.revoked_at is None
        assert (stored_user.id, stored_key.user_id, stored_key.label) == (
            user.json()["id"],
            user.json()["id"],
            unique,
        )
    revoked = admin.post(f"/api/keys/{created.json()['id']}/revoke")

    assert (user.status_code, created.status_code, revoked.status_code) == (201, 201, 200)
    with fresh(committed_engine) as db_session:
        stored_key = db_session.get(ApiKey, created.json()["id"])
        assert stored_key is not None and stored_key.revoked_at is not None


def test_a_keys_first_use_is_stored_even_by_a_reading_request(
    committed_app: FastAPI,
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
    unique: str,
) -> None:
    admin = committed_client_for(Role.ADMIN)
    user_id = admin.post("/api/users", json={"name": f"user-{unique}", "role": "viewer"}).json()[
        "id"
    ]
    created = admin.post("/api/keys", json={"user_id": user_id}).json()

    response = TestClient(committed_app).get("/api/me", headers=bearer(created["key"]))

    assert response.status_code == 200
    with fresh(committed_engine) as db_session:
        stored_key = db_session.get(ApiKey, created["id"])
        assert stored_key is not None and stored_key.last_used_at is not None


def test_an_upload_and_its_run_are_stored(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    analyst = committed_client_for(Role.ANALYST)
    upload = f"external_id,company_name\n{unique},Uploaded {unique}\n".encode()

    response = analyst.post("/api/ingest", files={"file": (f"{unique}.csv", upload)})

    assert response.status_code == 200, response.text
    with fresh(committed_engine) as db_session:
        customer = db_session.scalars(select(Customer).where(Customer.external_id == unique)).one()
        run = db_session.get(IngestionRun, response.json()["id"])
        assert customer.company_name == f"Uploaded {unique}"
        assert run is not None and run.status is RunStatus.COMPLETED


def test_an_unreadable_upload_is_refused_and_its_failed_run_kept(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    analyst = committed_client_for(Role.ANALYST)

    response = analyst.post("/api/ingest", files={"file": (f"{unique}.csv", bytes(range(256)))})

    assert response.status_code == 400
    with fresh(committed_engine) as db_session:
        runs = db_session.scalars(select(IngestionRun).order_by(IngestionRun.id.desc()).limit(50))
        (run,) = [run for run in runs if any(unique in path for path in run.paths)]
        assert (run.status, run.error) == (RunStatus.FAILED, response.json()["detail"])


@pytest.fixture
def chat_persona(committed_engine: Engine, unique: str) -> Persona:
    """A committed persona whose members wrote enough to chat in their voice."""
    with committed(committed_engine) as db_session:
        return add_chatty_persona(db_session, f"Budget Keepers {unique}", PRICE_MESSAGES)


def _conversation(engine: Engine, conversation_id: int) -> tuple[list[str], bool, int | None]:
    """A stored conversation's turn roles, whether it is finished, and its scenario run's id."""
    with fresh(engine) as db_session:
        conversation = db_session.get(ChatConversation, conversation_id)
        assert conversation is not None
        run = db_session.scalars(
            select(ScenarioRun.id).where(ScenarioRun.conversation_id == conversation_id)
        ).one_or_none()
        return [turn.role for turn in conversation.turns], conversation.finished, run


def test_a_chat_and_its_continuation_are_stored(
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
    chat_persona: Persona,
) -> None:
    viewer = committed_client_for(Role.VIEWER)

    first = viewer.post(f"/api/chat/{chat_persona.id}", json={"message": "Hello there."})
    second = viewer.post(
        f"/api/chat/{chat_persona.id}",
        json={
            "message": "Shall we talk about seats?",
            "conversation_id": first.json()["conversation_id"],
        },
    )

    assert first.status_code == second.status_code == 200
    roles, finished, run = _conversation(committed_engine, first.json()["conversation_id"])
    assert (roles, finished, run) == (["csm", "persona", "csm", "persona"], False, None)


def test_a_scenario_run_ended_early_is_stored(
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
    chat_persona: Persona,
) -> None:
    viewer = committed_client_for(Role.VIEWER)
    started = viewer.post(
        f"/api/chat/{chat_persona.id}",
        json={"message": "We'll see, hopefully soon.", "scenario": "renewal-negotiation"},
    ).json()

    finished = viewer.post(f"/api/chat/conversations/{started['conversation_id']}/finish")

    assert finished.status_code == 200, finished.text
    roles, is_finished, run = _conversation(committed_engine, started["conversation_id"])
    assert (len(roles), is_finished, run is not None) == (3, True, True)


def test_a_streamed_llm_reply_and_its_call_log_are_stored(
    committed_app: FastAPI,
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
    chat_persona: Persona,
    monkeypatch: pytest.MonkeyPatch,
    unique: str,
) -> None:
    written = f"Frankly, the renewal price is our only concern ({unique})."

    def scripted(settings: Settings, *, db_session: Session) -> LLMClient:
        return LLMClient(ScriptedProvider(written), db_session=db_session, redact=str)

    monkeypatch.setattr(committed_app.state.settings, "llm_provider", "openai")
    monkeypatch.setattr(chat_service, "client_from_settings", scripted)
    monkeypatch.setattr(chat_streaming, "client_from_settings", scripted)
    viewer = committed_client_for(Role.VIEWER)

    response = viewer.post(
        f"/api/chat/{chat_persona.id}", params={"stream": True}, json={"message": unique}
    )

    assert response.status_code == 200 and "event: reply" in response.text
    with fresh(committed_engine) as db_session:
        conversation = db_session.scalars(
            select(ChatConversation)
            .join(ChatConversation.turns)
            .where(ChatConversation.persona_id == chat_persona.id)
        ).first()
        assert conversation is not None
        assert [turn.text for turn in conversation.turns] == [unique, written]
        assert db_session.scalars(
            select(LLMCall.streamed).where(LLMCall.response == written)
        ).all() == [True]


def test_a_login_and_a_chat_page_exchange_are_stored(
    committed_app: FastAPI,
    committed_engine: Engine,
    chat_persona: Persona,
    unique: str,
) -> None:
    secret_key = committed_app.state.settings.secret_key
    with committed(committed_engine) as db_session:
        key = add_user_with_key(db_session, secret_key=secret_key, role=Role.CSM)
    browser = TestClient(committed_app, base_url="https://testserver", follow_redirects=False)

    logged_in = browser.post("/login", data={"api_key": key})
    sent = browser.post("/chat/messages", data={"persona_id": chat_persona.id, "message": unique})

    assert (logged_in.status_code, sent.status_code) == (303, 200)
    with fresh(committed_engine) as db_session:
        digest = key_digest(key, secret_key)
        stored_key = db_session.scalars(select(ApiKey).where(ApiKey.digest == digest)).one()
        conversation = db_session.scalars(
            select(ChatConversation).where(ChatConversation.persona_id == chat_persona.id)
        ).one()
        assert stored_key.last_used_at is not None
        assert [turn.text for turn in conversation.turns][0] == unique


class LookingRunner:
    """A runner that, as a worker in another thread or process would, reads the job it is given.

    It runs nothing, so a test's job never writes to the shared database; ``refuse`` makes it
    refuse jobs as an unreachable broker does.
    """

    name = "looking"

    def __init__(self, engine: Engine, *, refuse: bool = False) -> None:
        self.engine = engine
        self.refuse = refuse
        self.seen: dict[int, JobStatus | None] = {}

    def submit(self, job_id: int) -> None:
        with fresh(self.engine) as db_session:
            job = db_session.get(Job, job_id)
            self.seen[job_id] = job.status if job else None
        if self.refuse:
            raise Unavailable("cannot reach the job broker")

    def live_progress(self, job_id: int) -> None:
        return None

    def shutdown(self) -> None:
        pass


def _stored_job(engine: Engine, job_id: int) -> tuple[str, JobStatus, str | None]:
    with fresh(engine) as db_session:
        job = db_session.get(Job, job_id)
        assert job is not None
        return job.kind, job.status, job.error


def test_a_started_job_is_stored_before_its_runner_reads_it(
    committed_app: FastAPI,
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
) -> None:
    runner = committed_app.state.job_runner = LookingRunner(committed_engine)
    analyst = committed_client_for(Role.ANALYST)

    response = analyst.post("/api/personas/generate", json={})

    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    assert runner.seen == {job_id: JobStatus.QUEUED}
    assert _stored_job(committed_engine, job_id) == ("personas.generate", JobStatus.QUEUED, None)


def test_a_job_the_runner_refuses_is_stored_as_failed(
    committed_app: FastAPI,
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
) -> None:
    runner = committed_app.state.job_runner = LookingRunner(committed_engine, refuse=True)
    analyst = committed_client_for(Role.ANALYST)

    response = analyst.post("/api/personas/generate", json={})

    assert response.status_code == 503
    (job_id,) = runner.seen
    assert _stored_job(committed_engine, job_id) == (
        "personas.generate",
        JobStatus.FAILED,
        "cannot reach the job broker",
    )
