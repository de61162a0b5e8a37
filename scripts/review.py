"""The review digest: what a CSM would see and read, in one folder, to read before a release.

Builds the demo world (``cspersona demo --no-serve``) in ``<out>/data``, serves it on a free
loopback port, and writes into ``<out>``:

- ``pages/<page>-<width>.png``: every dashboard page at 1440 and 768 pixels wide (overview,
  persona map and each persona, churn risk, customers, three customer pages, chat, the work
  queue, two tasks, the playbooks, three playbook pages and the ROI page);
- ``readme/<image>.png``: the README's eight screenshots (a 1440 x 900 window each), to copy into
  ``docs/images/``;
- ``digest.txt``: every persona's name, narrative, profile, quotes and top topics; the 20
  riskiest customers with drivers and interventions; the 10 likeliest expansions; the playbooks
  with their steps and evidence; the first tasks of the work queue with their messages; and 20
  persona chat replies (four conversations of five turns); the 10 newest entries of the
  interventions log; every line the text checks (:mod:`cspersona.nlp.text_checks`) find fault
  with; and, last, the executive ROI report's text (``roi-report.pdf``, its pages as PNGs).

Needs the dev install (Playwright) and Debian's chromium. Run it as ``make review``.

    .venv/bin/python scripts/review.py [--out review] [--scale 1]
"""

import argparse
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = (1440, 768)
# The README's screenshots: page name in the digest -> image name in docs/images.
README_IMAGES = {
    "overview": "overview",
    "personas": "persona-map",
    "persona-1": "persona",
    "risk": "churn-risk",
    "customer-1": "customer",
    "tasks": "work-queue",
    "task-1": "task",
    "roi": "roi",
}
# A profile line of the digest: "  pain_points: [{...}]", data rather than prose.
STRUCTURED = re.compile(r"^\s+[a-z_]+: [\[{]")
CHAT_OPENERS = (
    "Hi, I'm your new CSM. How is the product working for your team?",
    "What is the one thing that would make your renewal an easy decision?",
    "I saw a few tickets last month. What happened, and is it sorted now?",
    "Would a short training session for your team help?",
    "Thanks for your time. Anything else you want me to take back to the product team?",
)


def build_world(data_dir: Path, scale: float) -> str:
    """Run the demo's stages into ``data_dir`` and return an admin API key."""
    env = os.environ | {"CSPERSONA_DATA_DIR": str(data_dir)}
    cli = Path(sys.executable).with_name("cspersona")
    subprocess.run(
        [str(cli), "demo", "--no-serve", "--scale", str(scale)], env=env, check=True, text=True
    )
    name = f"review-{os.getpid()}"
    subprocess.run(
        [str(cli), "users", "create", name, "--role", "admin", "--json"],
        env=env,
        check=True,
        capture_output=True,
    )
    created = subprocess.run(
        [str(cli), "keys", "create", name, "--label", "review digest", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return str(_last_json(created.stdout)["key"])


def _last_json(output: str) -> dict[str, Any]:
    import json

    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            loaded: dict[str, Any] = json.loads(line)
            return loaded
    raise SystemExit(f"no JSON in the output: {output!r}")


@contextmanager
def served(data_dir: Path) -> Iterator[tuple[str, Any]]:
    """Serve the app on a free port in this process; yield its URL and the app."""
    import socket
    import threading
    import time

    import uvicorn

    from cspersona.api.app import create_app
    from cspersona.config import load_settings

    app = create_app(load_settings(data_dir=data_dir))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def api(base: str, key: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One API call with the review key: GET, or POST with a JSON body."""
    import json
    import urllib.request

    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def pages(base: str, key: str) -> list[tuple[str, str]]:
    """(name, path) of every page the digest shows."""
    personas = api(base, key, "/api/personas?limit=50")["items"]
    # Active customers (only they are scored), riskiest first: the pages a CSM opens first.
    customers = api(base, key, "/api/insights/churn-risk?limit=3")["items"]
    switched = api(base, key, "/api/personas/switches?limit=2")["items"]
    queue = api(base, key, "/api/tasks?owner=all&limit=50")["items"]
    # Tasks with a message to copy first: the page a CSM spends their time on.
    tasks = sorted(queue, key=lambda item: item["kind"] != "email")[:2]
    playbooks = api(base, key, "/api/playbooks?limit=50")["items"]
    return [
        ("overview", "/overview"),
        ("personas", "/personas"),
        *[(f"persona-{item['id']}", f"/personas/{item['id']}") for item in personas],
        ("risk", "/risk"),
        ("customers", "/customers"),
        *[
            (f"customer-{rank}", f"/customers/{item['customer_id']}")
            for rank, item in enumerate(customers, start=1)
        ],
        ("persona-changes", "/persona-changes"),
        *[
            (f"switched-{rank}", f"/customers/{item['customer_id']}")
            for rank, item in enumerate(switched, start=1)
        ],
        ("chat", "/chat"),
        ("tasks", "/tasks"),
        *[(f"task-{rank}", f"/tasks/{item['id']}") for rank, item in enumerate(tasks, start=1)],
        ("playbooks", "/playbooks"),
        *[(f"playbook-{item['id']}", f"/playbooks/{item['id']}") for item in playbooks[:3]],
        ("roi", "/roi"),
    ]


def screenshots(base: str, key: str, folder: Path) -> list[Path]:
    """Log in once per width and save a full-page screenshot of every page."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{base}/login")
            page.fill("#api_key", key)
            page.press("#api_key", "Enter")
            page.wait_for_url(re.compile(r".*/overview.*|.*/$"))
            for name, path in pages(base, key):
                page.goto(base + path, wait_until="networkidle")
                target = folder / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                saved.append(target)
                if width == WIDTHS[0] and name == "roi":
                    report = page.request.get(f"{base}/roi/report.pdf")
                    (folder.parent / "roi-report.pdf").write_bytes(report.body())
                if width == WIDTHS[0] and name in README_IMAGES:
                    readme = folder.parent / "readme" / f"{README_IMAGES[name]}.png"
                    readme.parent.mkdir(exist_ok=True)
                    page.screenshot(path=str(readme))
            page.close()
        browser.close()
    return saved


def digest(base: str, key: str) -> str:
    """Everything a CSM reads, as plain text."""
    lines: list[str] = []
    write = lines.append
    write("# Personas\n")
    for summary in api(base, key, "/api/personas?limit=50")["items"]:
        persona = api(base, key, f"/api/personas/{summary['id']}")
        write(f"## {persona['name']} ({summary['customers']} customers)\n")
        write(textwrap.fill(persona.get("narrative") or "(no narrative)", 100) + "\n")
        write("Profile:")
        for key_name, value in persona["traits"].items():
            if key_name in ("narrative", "quotes"):
                continue
            write(f"  {key_name}: {_short(value)}")
        write("Quotes:")
        for quote in persona["traits"].get("quotes", []):
            write(f"  - {quote.get('text', quote)}")
        write("")
    write("# The 20 riskiest customers (90 days)\n")
    for row in api(base, key, "/api/insights/churn-risk?horizon=90&limit=20")["items"]:
        tier = f"{row['risk_tier']} risk, {row['times_book_average']:.1f} times the book's average"
        write(f"## {row['company_name']}: {row['probability']:.0%} within 90 days ({tier})")
        for driver in row["drivers"]:
            write(f"  - {driver['phrase']}")
        for intervention in row["interventions"]:
            write(f"  do: {intervention['action']}, {intervention['reason']}")
        write("")
    write("# The 10 likeliest expansions\n")
    for row in api(base, key, "/api/insights/expansion?limit=10")["items"]:
        write(f"## {row['company_name']}: {row['likelihood']:.0%} likely to expand")
        for driver in row["drivers"]:
            write(f"  - {driver['phrase']}")
        upsell = ", ".join(item["feature"].replace("_", " ") for item in row["next_features"])
        write(f"  next features: {upsell or 'none suggested'}")
        write(f"  timing: {row['timing']}")
        write("")
    write("# Persona changes: the 10 newest, with the customer's 90-day outlook\n")
    for row in api(base, key, "/api/personas/switches?limit=10")["items"]:
        write(f"## {row['company_name']}: {row['from_persona_name']} -> {row['to_persona_name']}")
        for phrase in row["what_changed"]:
            write(f"  changed: {phrase}")
        for step in (row["strategy"] or {}).get("steps", []):
            write(f"  do: {step['aspect']}: {step['advice']}")
        outlook = api(base, key, f"/api/customers/{row['customer_id']}/persona")["outlook"]
        chances = ", ".join(f"{item['persona_name']} {item['probability']:.0%}" for item in outlook)
        write(f"  in 90 days: {chances or 'no forecast'}")
        write("")
    write("# Playbooks\n")
    for summary in api(base, key, "/api/playbooks?limit=50")["items"]:
        playbook = api(base, key, f"/api/playbooks/{summary['id']}")
        write(
            f"## {playbook['name']}: starts when {summary['trigger']}; {summary['customers_in']} in"
        )
        for step in playbook["steps"]:
            kind = step["kind"].replace("_", " ")
            write(f"  day {step['due_days']}: {step['title']} ({kind}, owner: {step['owner']})")
        for item in playbook["evidence"]:
            write(f"  evidence: {item['text']}")
        write("")
    write("# The work queue: the first 10 tasks, the first 3 with their messages\n")
    for rank, row in enumerate(api(base, key, "/api/tasks?owner=all&limit=10")["items"]):
        write(f"## due {row['due_on']}: {row['title']} for {row['company_name']} ({row['owner']})")
        if rank < 3:
            task = api(base, key, f"/api/tasks/{row['id']}")
            write(f"  why: {task['why']}")
            for message in task["messages"]:
                write(f"  [{message['channel']}] {message['subject'] or ''}")
                write(textwrap.indent(message["body"], "    "))
        write("")
    write("# The interventions log: the 10 newest entries\n")
    for row in api(base, key, "/api/interventions?limit=10")["items"]:
        arm = f", {row['arm'].replace('_', ' ')}" if row["arm"] else ""
        playbook = f" in {row['playbook']}{arm}" if row["playbook"] else ""
        write(f"- {row['performed_at'][:10]} {row['kind']} by {row['performed_by']}{playbook}")
        write(f"  {row['note']}")
    write("")
    write("# Persona chat: 20 replies\n")
    for summary in api(base, key, "/api/personas?limit=4")["items"]:
        write(f"## Talking to {summary['name']}")
        conversation = None
        for opener in CHAT_OPENERS[:5]:
            body: dict[str, Any] = {"message": opener}
            if conversation is not None:
                body["conversation_id"] = conversation
            reply = api(base, key, f"/api/chat/{summary['id']}", body)
            conversation = reply["conversation_id"]
            write(f"CSM: {opener}")
            write(f"{summary['name']}: {reply['reply']}")
        write("")
    return "\n".join([*lines, *flagged(lines)]) + "\n"


def flagged(lines: list[str]) -> list[str]:
    """A closing section listing every line the text checks find fault with (none, ideally)."""
    from cspersona.nlp.text_checks import text_problems

    faults = [
        f"- {', '.join(found)}: {line.strip()[:160]}"
        for line in lines
        if not line.startswith("#")
        and not STRUCTURED.match(line)  # a profile field printed as data, keys and all
        and (found := text_problems(line))
    ]
    return ["# What the text checks flag", *(faults or ["(nothing)"])]


def report_text(pdf: Path) -> str:
    """The executive report's pages as text, and each page as ``roi-report-N.png`` beside it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    lines = ["\n# The executive report (roi-report.pdf)\n"]
    for number, page in enumerate(document, start=1):
        page.render(scale=1.5).to_pil().save(pdf.with_name(f"roi-report-{number}.png"))
        lines += [f"## page {number}", page.get_textpage().get_text_range(), ""]
    return "\n".join(lines)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "..."


def main() -> None:
    """Build, serve, screenshot and write the digest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("review"))
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    out = args.out.resolve()
    key = build_world(out / "data", args.scale)
    with served(out / "data") as (base, _app):
        text = digest(base, key)
        saved = screenshots(base, key, out / "pages")
    (out / "digest.txt").write_text(text + report_text(out / "roi-report.pdf"))
    print(f"review digest: {out / 'digest.txt'} and {len(saved)} screenshots in {out / 'pages'}")


if __name__ == "__main__":
    main()
