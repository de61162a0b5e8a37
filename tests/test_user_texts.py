"""Every word a CSM reads is clean: each page and each API text of a world run as the demo runs.

The world is generated, written to files, imported through ingestion (PII anonymisation
included) and analysed by every pipeline stage, exactly as ``cspersona demo`` does, on a seed the
demo does not use. Then every dashboard page is rendered and every prose field of the API read
(persona chat replies included), and each text is checked by :mod:`cspersona.nlp.text_checks`.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cspersona.api.app import create_app
from cspersona.auth import service as auth_service
from cspersona.config import Settings, load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.demo import stages as demo
from cspersona.nlp.text_checks import text_problems

WORLD_SEED = 5
WORLD_SCALE = 0.3
SECRET_KEY = "texts-test"
# Prose has words; ids, dates, enum values and e-mail fields are single tokens.
PROSE_WORDS = 3
CSM_TURNS = (
    "Hi, I'm your new CSM. How is the product working for your team?",
    "I saw a few tickets last month. Is that sorted now?",
    "Would a short training session help your team?",
)


@dataclass(frozen=True)
class DemoWorld:
    """The world's settings and an admin API key."""

    settings: Settings
    key: str


@pytest.fixture(scope="module")
def demo_world(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[DemoWorld]:
    """Generate, ingest and analyse a small world as ``cspersona demo`` does."""
    folder: Path = tmp_path_factory.mktemp("demo-world")
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'demo.db'}",
        data_dir=folder,
        secret_key=SECRET_KEY,
        _env_file=None,
    )
    monkeypatch_module.setattr(demo, "DEMO_SEED", WORLD_SEED)
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    for _name, stage in demo.demo_stages(scale=WORLD_SCALE):
        with session_scope(sessions) as db_session:
            stage(db_session, settings, None)
    with session_scope(sessions) as db_session:
        key = auth_service.create_first_admin(db_session=db_session, secret_key=SECRET_KEY)
    engine.dispose()
    assert key is not None
    yield DemoWorld(settings, key)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    """A monkeypatch that lasts as long as the module's world."""
    with pytest.MonkeyPatch.context() as patch:
        yield patch


class VisibleText(HTMLParser):
    """The text nodes a reader sees: everything outside scripts, styles and templates."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in self.HIDDEN

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._hidden:
            self.texts.append(text)


def page_texts(client: TestClient, path: str) -> list[str]:
    """The visible texts of one page."""
    response = client.get(path)
    assert response.status_code == 200, path
    parser = VisibleText()
    parser.feed(response.text)
    return parser.texts


def prose(value: Any) -> Iterator[str]:
    """Every string of a JSON document that is prose (several words).

    A playbook's ``templates`` are Jinja source an analyst edits, not text a customer reads: what
    they render to is read through each task's ``messages``.
    """
    if isinstance(value, str):
        if len(value.split()) >= PROSE_WORDS:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "templates":
                yield from prose(item)
    elif isinstance(value, list):
        for item in value:
            yield from prose(item)


def api_texts(client: TestClient) -> Iterator[tuple[str, str]]:
    """(where, text) for the prose of every API route a CSM reads, chat replies included."""
    personas = client.get("/api/personas", params={"limit": 100}).json()["items"]
    customers = client.get("/api/customers", params={"limit": 100}).json()["items"]
    playbooks = client.get("/api/playbooks", params={"limit": 100}).json()["items"]
    tasks = client.get("/api/tasks", params={"owner": "all", "limit": 5}).json()["items"]
    reads = [
        "/api/personas?limit=100",
        *(f"/api/personas/{persona['id']}" for persona in personas),
        "/api/customers?limit=100",
        *(f"/api/customers/{customer['id']}" for customer in customers[:10]),
        *(f"/api/customers/{customer['id']}/persona" for customer in customers[:10]),
        *(f"/api/insights/churn-risk?horizon={days}&limit=200" for days in (30, 60, 90)),
        "/api/insights/expansion?limit=200",
        "/api/chat/scenarios",
        "/api/playbooks?limit=100",
        *(f"/api/playbooks/{playbook['id']}" for playbook in playbooks),
        *(f"/api/playbooks/{playbook['id']}/experiment" for playbook in playbooks),
        "/api/tasks?owner=all&limit=200",
        "/api/roi",
        *(f"/api/tasks/{task['id']}" for task in tasks[:5]),
    ]
    for path in reads:
        response = client.get(path)
        if response.status_code == 404 and path.endswith("/persona"):
            continue  # a customer without a persona yet
        assert response.status_code == 200, path
        for text in prose(response.json()):
            yield path, text
    for persona in personas:
        conversation = None
        for turn in CSM_TURNS:
            body: dict[str, Any] = {"message": turn}
            if conversation is not None:
                body["conversation_id"] = conversation
            reply = client.post(f"/api/chat/{persona['id']}", json=body).json()
            conversation = reply["conversation_id"]
            for text in prose({key: reply[key] for key in ("reply", "suggestions")}):
                yield f"chat with {persona['name']}", text
    for path in ("/api/chat/conversations", "/api/chat/scenario-runs"):
        for text in prose(client.get(path).json()):
            yield path, text


def page_paths(client: TestClient) -> list[str]:
    """Every dashboard page: overview, personas, risk, customers, chat, tasks, playbooks, ROI."""
    personas = client.get("/api/personas", params={"limit": 100}).json()["items"]
    riskiest = client.get("/api/insights/churn-risk", params={"limit": 5}).json()["items"]
    customers = client.get("/api/customers", params={"limit": 100}).json()["items"]
    churned = [item for item in customers if (item["status"] or {}).get("status") == "churned"][:3]
    conversations = client.get("/api/chat/conversations", params={"limit": 2}).json()["items"]
    playbooks = client.get("/api/playbooks", params={"limit": 100}).json()["items"]
    tasks = client.get("/api/tasks", params={"owner": "all", "limit": 3}).json()["items"]
    assert playbooks and tasks, "the pipeline gives the world playbooks and a work queue"
    return [
        "/overview",
        "/personas",
        *(f"/personas/{persona['id']}" for persona in personas),
        *(f"/risk?horizon={days}" for days in (30, 60, 90)),
        "/customers",
        "/customers?page=2",
        *(f"/customers/{item['customer_id']}" for item in riskiest),
        *(f"/customers/{item['id']}" for item in churned),
        "/chat",
        "/chat?scenario=renewal-negotiation",
        "/chat/history",
        *(f"/chat?conversation={item['id']}" for item in conversations),
        "/tasks",
        *(f"/tasks/{task['id']}" for task in tasks),
        "/playbooks",
        *(f"/playbooks/{playbook['id']}" for playbook in playbooks),
        "/roi",
    ]


def test_every_page_and_api_text_of_a_demo_world_reads_clean(demo_world: DemoWorld) -> None:
    app = create_app(demo_world.settings)
    problems: list[str] = []
    with TestClient(app, headers={"Authorization": f"Bearer {demo_world.key}"}) as api:
        texts = list(api_texts(api))
        paths = page_paths(api)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        assert browser.post("/login", data={"api_key": demo_world.key}).status_code == 303
        texts += [(path, text) for path in paths for text in page_texts(browser, path)]

    for where, text in texts:
        found = text_problems(text)
        if found:
            problems.append(f"{where}: {', '.join(found)}: {text[:160]!r}")

    assert len(texts) > 500, "too few texts read: the world or the walk is broken"
    assert problems == [], f"{len(problems)} unclean texts:\n" + "\n".join(problems[:40])
