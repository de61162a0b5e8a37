"""Helpdesk exports with nested conversations: Zendesk, Intercom and Freshdesk (JSON).

Each reader yields the export's organisations as customers and its end users as contacts (when
the export includes them), then every conversation followed by its public messages; internal
notes are left out. Vendor ids become external ids namespaced by vendor
(``zendesk:org:361``), except where the vendor carries the customer's own id (a Zendesk
organisation's ``external_id``, an Intercom company's ``company_id``): then that id links the
conversations to customers loaded from a CRM. docs/ingest.md lists the fields read.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from cspersona.ingest.readers.base import Reader, ReadOptions
from cspersona.ingest.records import Entity, InputProblem, RawRecord
from cspersona.ingest.sources import read_text

BLOCK_TAGS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "pre"}


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(value: str | None) -> str:
    """The readable text of an HTML fragment: tags dropped, paragraphs as lines."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value.strip()
    parser = _TextOfHtml()
    parser.feed(value)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def unix_time(value: Any) -> Any:
    """Intercom's Unix seconds as ISO 8601; anything else unchanged."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return value


def load_json(path: Path, options: ReadOptions) -> Any:
    """A JSON document, or JSON lines, read whole (helpdesk exports are nested)."""
    text = read_text(path, on_read=options.on_read)
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise InputProblem(
                f"{path.name} line {error.lineno}: not valid JSON ({error.msg})"
            ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputProblem(
            f"{path.name} is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); is the export truncated?"
        ) from None


def _list(document: Any, key: str) -> list[Any]:
    value = document.get(key) if isinstance(document, dict) else None
    return value if isinstance(value, list) else []


def _record(entity: Entity, fields: dict[str, Any], location: str, raw: Any) -> RawRecord:
    return RawRecord(entity, fields, location, json.dumps(raw, ensure_ascii=False, default=str))


def _id(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Post:
    """One public message of a helpdesk conversation, as the vendor wrote it."""

    external_id: str
    from_customer: bool
    author_id: str | None
    sent_at: Any
    text: str | None
    location: str
    raw: Any


def _messages(conversation_id: str | None, posts: Iterable[Post]) -> Iterator[RawRecord]:
    """The conversation's posts as messages numbered 0, 1, 2...; empty posts are skipped."""
    seq = 0
    for post in posts:
        if not post.text:
            continue
        fields = {
            "external_id": post.external_id,
            "interaction_external_id": conversation_id,
            "seq": seq,
            "author_role": "customer" if post.from_customer else "agent",
            "author_id": post.author_id,
            "sent_at": post.sent_at,
            "text": post.text,
        }
        yield _record(Entity.MESSAGES, fields, post.location, post.raw)
        seq += 1


class ZendeskReader(Reader):
    """Zendesk tickets with their comments; ``users`` and ``organizations`` when side-loaded."""

    name = "zendesk"
    label = "zendesk"
    grouped = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Organisations, end users, then each ticket and its public comments."""
        document = load_json(path, options)
        tickets = document if isinstance(document, list) else _list(document, "tickets")
        if isinstance(document, dict) and isinstance(document.get("ticket"), dict):
            tickets = [document["ticket"]]
        customers: dict[str, str] = {}
        for index, organization in enumerate(_list(document, "organizations")):
            customer = (
                _id(organization.get("external_id")) or f"zendesk:org:{organization.get('id')}"
            )
            customers[str(organization.get("id"))] = customer
            fields = {"external_id": customer, "company_name": organization.get("name")}
            yield _record(
                Entity.CUSTOMERS, fields, f"{path.name} $.organizations[{index}]", organization
            )
        users = {str(user.get("id")): user for user in _list(document, "users")}
        for index, user in enumerate(_list(document, "users")):
            if user.get("role", "end-user") != "end-user":
                continue
            fields = {
                "external_id": f"zendesk:user:{user.get('id')}",
                "customer_external_id": self._customer(
                    user.get("organization_id"), customers, options
                ),
                "name": user.get("name"),
                "email": user.get("email"),
                "phone": user.get("phone"),
            }
            yield _record(Entity.CONTACTS, fields, f"{path.name} $.users[{index}]", user)
        for index, ticket in enumerate(tickets):
            yield from self._ticket(path, index, ticket, customers, users, options)

    @staticmethod
    def _customer(
        organization_id: Any, customers: dict[str, str], options: ReadOptions
    ) -> str | None:
        if organization_id in (None, ""):
            return options.customer
        return customers.get(str(organization_id), f"zendesk:org:{organization_id}")

    def _ticket(
        self,
        path: Path,
        index: int,
        ticket: dict[str, Any],
        customers: dict[str, str],
        users: dict[str, dict[str, Any]],
        options: ReadOptions,
    ) -> Iterator[RawRecord]:
        where = f"{path.name} $.tickets[{index}]"
        ticket_id, requester = _id(ticket.get("id")), _id(ticket.get("requester_id"))
        status = ticket.get("status")
        fields = {
            "external_id": ticket_id,
            "customer_external_id": self._customer(
                ticket.get("organization_id"), customers, options
            ),
            "contact_external_id": f"zendesk:user:{requester}" if requester else None,
            "type": "ticket",
            "channel": (ticket.get("via") or {}).get("channel"),
            "subject": ticket.get("subject"),
            "status": status,
            "priority": ticket.get("priority"),
            "started_at": ticket.get("created_at"),
            "closed_at": ticket.get("updated_at") if status in {"solved", "closed"} else None,
        }
        comments = ticket.get("comments")
        people = {requester} | {
            _id(c.get("author_id")) for c in comments or [] if isinstance(c, dict)
        }
        fields["participants"] = [
            users[key]["name"] for key in people if key in users and users[key].get("name")
        ]
        summary = {key: value for key, value in ticket.items() if key != "comments"}
        yield _record(Entity.INTERACTIONS, fields, where, summary)
        if not isinstance(comments, list):
            comments = [
                {
                    "author_id": requester,
                    "body": ticket.get("description"),
                    "public": True,
                    "created_at": ticket.get("created_at"),
                    "id": f"{ticket_id}-description",
                }
            ]
        yield from _messages(
            ticket_id,
            (
                self._post(where, position, comment, ticket_id, requester, users)
                for position, comment in enumerate(comments)
                if comment.get("public", True)
            ),
        )

    @staticmethod
    def _post(
        where: str,
        position: int,
        comment: dict[str, Any],
        ticket_id: str | None,
        requester: str | None,
        users: dict[str, dict[str, Any]],
    ) -> Post:
        author = _id(comment.get("author_id"))
        role = (users.get(author or "") or {}).get("role")
        if role is None:
            role = "end-user" if author == requester else "agent"
        return Post(
            external_id=f"zendesk:comment:{comment.get('id', f'{ticket_id}-{position}')}",
            from_customer=role == "end-user",
            author_id=f"zendesk:user:{author}" if author else None,
            sent_at=comment.get("created_at"),
            text=comment.get("plain_body")
            or html_text(comment.get("html_body"))
            or comment.get("body"),
            location=f"{where}.comments[{position}]",
            raw=comment,
        )


class IntercomReader(Reader):
    """Intercom conversations with their parts; ``contacts`` and ``companies`` when included."""

    name = "intercom"
    label = "intercom"
    grouped = True
    customer_authors = frozenset({"user", "lead", "contact"})
    channel_types: ClassVar[dict[Any, str]] = {
        "email": "email",
        "phone_call": "call",
        "phone_switch": "call",
    }

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Companies, contacts, then each conversation: its source message and comments."""
        document = load_json(path, options)
        conversations = document if isinstance(document, list) else _list(document, "conversations")
        companies: dict[str, str] = {}
        for index, company in enumerate(_list(document, "companies")):
            customer = _id(company.get("company_id")) or f"intercom:company:{company.get('id')}"
            companies[str(company.get("id"))] = customer
            fields = {
                "external_id": customer,
                "company_name": company.get("name"),
                "industry": company.get("industry"),
                "plan": (company.get("plan") or {}).get("name"),
            }
            yield _record(Entity.CUSTOMERS, fields, f"{path.name} $.companies[{index}]", company)
        contact_customers: dict[str, str | None] = {}
        contact_names: dict[str, str] = {}
        for index, contact in enumerate(_list(document, "contacts")):
            if contact.get("name"):
                contact_names[str(contact.get("id"))] = contact["name"]
            linked = ((contact.get("companies") or {}).get("data") or [{}])[0].get("id")
            contact_customer = (
                companies.get(str(linked), f"intercom:company:{linked}")
                if linked is not None
                else None
            )
            contact_customers[str(contact.get("id"))] = contact_customer or options.customer
            fields = {
                "external_id": f"intercom:contact:{contact.get('id')}",
                "customer_external_id": contact_customers[str(contact.get("id"))],
                "name": contact.get("name"),
                "email": contact.get("email"),
                "phone": contact.get("phone"),
            }
            yield _record(Entity.CONTACTS, fields, f"{path.name} $.contacts[{index}]", contact)
        for index, conversation in enumerate(conversations):
            yield from self._conversation(
                path, index, conversation, contact_customers, contact_names, options
            )

    def _conversation(
        self,
        path: Path,
        index: int,
        conversation: dict[str, Any],
        contact_customers: dict[str, str | None],
        contact_names: dict[str, str],
        options: ReadOptions,
    ) -> Iterator[RawRecord]:
        where = f"{path.name} $.conversations[{index}]"
        conversation_id = _id(conversation.get("id"))
        source = conversation.get("source") or {}
        contacts = (conversation.get("contacts") or {}).get("contacts") or [{}]
        contact_id = _id(contacts[0].get("id"))
        state = conversation.get("state")
        fields = {
            "external_id": conversation_id,
            "customer_external_id": contact_customers.get(contact_id or "") or options.customer,
            "contact_external_id": f"intercom:contact:{contact_id}" if contact_id else None,
            "type": self.channel_types.get(source.get("type"), "chat"),
            "channel": source.get("type"),
            "subject": html_text(source.get("subject")) or conversation.get("title"),
            "status": state,
            "priority": conversation.get("priority"),
            "started_at": unix_time(conversation.get("created_at")),
            "closed_at": unix_time(conversation.get("updated_at")) if state == "closed" else None,
        }
        parts = (conversation.get("conversation_parts") or {}).get("conversation_parts") or []
        authors = [source.get("author") or {}, *((part.get("author") or {}) for part in parts)]
        fields["participants"] = list(
            {author["name"] for author in authors if author.get("name")}
            | {contact_names[key] for key in [contact_id] if key in contact_names}
        )
        summary = {key: value for key, value in conversation.items() if key != "conversation_parts"}
        yield _record(Entity.INTERACTIONS, fields, where, summary)
        first = {
            **source,
            "created_at": conversation.get("created_at"),
            "id": f"{conversation_id}-source",
        }
        yield from _messages(
            conversation_id,
            (
                Post(
                    external_id=f"intercom:part:{part.get('id')}",
                    from_customer=(part.get("author") or {}).get("type") in self.customer_authors,
                    author_id=self._author(part.get("author") or {}),
                    sent_at=unix_time(part.get("created_at")),
                    text=html_text(part.get("body")),
                    location=f"{where}.source"
                    if position == 0
                    else f"{where}.conversation_parts[{position - 1}]",
                    raw=part,
                )
                for position, part in enumerate([first, *parts])
                if part.get("part_type") != "note"
            ),
        )

    @staticmethod
    def _author(author: dict[str, Any]) -> str | None:
        return f"intercom:{author.get('type')}:{author['id']}" if author.get("id") else None


class FreshdeskReader(Reader):
    """Freshdesk tickets with ``conversations``; ``companies`` and ``contacts`` if included."""

    name = "freshdesk"
    label = "freshdesk"
    grouped = True
    sources: ClassVar[dict[Any, str]] = {
        1: "email",
        2: "ticket",
        3: "call",
        7: "chat",
        9: "ticket",
        10: "email",
    }
    channels: ClassVar[dict[Any, str]] = {
        1: "email",
        2: "portal",
        3: "phone",
        7: "chat",
        9: "feedback widget",
        10: "outbound email",
    }
    statuses: ClassVar[dict[Any, str]] = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
    priorities: ClassVar[dict[Any, str]] = {1: "low", 2: "medium", 3: "high", 4: "urgent"}

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Companies, contacts, then each ticket: its description and public conversation."""
        document = load_json(path, options)
        tickets = document if isinstance(document, list) else _list(document, "tickets")
        for index, company in enumerate(_list(document, "companies")):
            fields = {
                "external_id": f"freshdesk:company:{company.get('id')}",
                "company_name": company.get("name"),
                "industry": company.get("industry"),
            }
            yield _record(Entity.CUSTOMERS, fields, f"{path.name} $.companies[{index}]", company)
        names = {
            str(contact.get("id")): contact["name"]
            for contact in _list(document, "contacts")
            if contact.get("name")
        }
        for index, contact in enumerate(_list(document, "contacts")):
            fields = {
                "external_id": f"freshdesk:contact:{contact.get('id')}",
                "customer_external_id": self._customer(contact.get("company_id"), options),
                "name": contact.get("name"),
                "role": contact.get("job_title"),
                "email": contact.get("email"),
                "phone": contact.get("phone") or contact.get("mobile"),
            }
            yield _record(Entity.CONTACTS, fields, f"{path.name} $.contacts[{index}]", contact)
        prefix = f"{path.name} $" if isinstance(document, list) else f"{path.name} $.tickets"
        for index, ticket in enumerate(tickets):
            yield from self._ticket(f"{prefix}[{index}]", ticket, names, options)

    @staticmethod
    def _customer(company_id: Any, options: ReadOptions) -> str | None:
        return (
            f"freshdesk:company:{company_id}" if company_id not in (None, "") else options.customer
        )

    def _ticket(
        self, where: str, ticket: dict[str, Any], names: dict[str, str], options: ReadOptions
    ) -> Iterator[RawRecord]:
        ticket_id, requester = _id(ticket.get("id")), _id(ticket.get("requester_id"))
        status = self.statuses.get(ticket.get("status"), ticket.get("status"))
        fields = {
            "external_id": ticket_id,
            "customer_external_id": self._customer(ticket.get("company_id"), options),
            "contact_external_id": f"freshdesk:contact:{requester}" if requester else None,
            "type": self.sources.get(ticket.get("source"), "ticket"),
            "channel": self.channels.get(ticket.get("source")),
            "subject": ticket.get("subject"),
            "status": status,
            "priority": self.priorities.get(ticket.get("priority"), ticket.get("priority")),
            "started_at": ticket.get("created_at"),
            "closed_at": ticket.get("updated_at") if status in {"resolved", "closed"} else None,
            "participants": [names[key] for key in [requester] if key in names],
        }
        summary = {key: value for key, value in ticket.items() if key != "conversations"}
        yield _record(Entity.INTERACTIONS, fields, where, summary)
        description = {
            "id": f"{ticket_id}-description",
            "body_text": ticket.get("description_text") or html_text(ticket.get("description")),
            "incoming": True,
            "user_id": requester,
            "created_at": ticket.get("created_at"),
        }
        entries = [description, *(ticket.get("conversations") or [])]
        yield from _messages(
            ticket_id,
            (
                Post(
                    external_id=f"freshdesk:conversation:{entry.get('id')}",
                    from_customer=bool(entry.get("incoming")),
                    author_id=f"freshdesk:user:{entry['user_id']}"
                    if entry.get("user_id")
                    else None,
                    sent_at=entry.get("created_at"),
                    text=entry.get("body_text") or html_text(entry.get("body")),
                    location=f"{where}.description"
                    if position == 0
                    else f"{where}.conversations[{position - 1}]",
                    raw=entry,
                )
                for position, entry in enumerate(entries)
                if not entry.get("private")
            ),
        )
