"""The operations beyond sending: the shared operation cases (tests/operations/*.json) through
`operation_params`, and history, templates and phone numbers through the client against the
sandbox, in sync and asyncio, with their typed errors."""

from __future__ import annotations

import ast
import asyncio
import gc
import inspect
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import chatlane
from chatlane import _ops
from conftest import REPO, Sandbox, new_recipient, parts, running_sandbox, until

CASES_DIR = REPO / "tests" / "operations"
STUB = Path(chatlane.__file__).with_name("_chatlane.pyi")
SPACE = "cams-ops"
BUSINESS = "8613800000000"
# Five approved templates T1…T5 and one in review: three pages of two.
TEMPLATES = [
    *(
        {"code": f"T{i}", "name": f"t{i}", "language": "en", "variables": ["name"], "body": "Hi $(name)"}
        for i in range(1, 6)
    ),
    {"code": "R1", "name": "review", "language": "en", "auditStatus": "auditing"},
]
ALL_CODES = ["T1", "T2", "T3", "T4", "T5", "R1"]
QUERY_CLASSES: dict[str, Any] = {
    "ListChatappMessage": chatlane.HistoryQuery,
    "ListChatappTemplate": chatlane.TemplateQuery,
    "GetChatappTemplateDetail": chatlane.TemplateRef,
    "QueryChatappPhoneNumbers": chatlane.PhoneNumberQuery,
    "CreateChatappTemplate": chatlane.NewTemplate,
    "ModifyChatappTemplate": chatlane.TemplateEdit,
    "DeleteChatappTemplate": chatlane.TemplateDeletion,
}
# Operations whose query has no generated class (the upload authorization takes only a space).
UNTYPED = {"GetChatappUploadAuthorization"}
# Operations only a Meta client calls (their query is a `MediaRef`).
META_ONLY = {"WhatsappMediaRetrieve", "WhatsappMediaDelete"}


def load_cases() -> list[Any]:
    return [
        pytest.param(case, id=case["name"])
        for path in sorted(CASES_DIR.glob("*.json"))
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
    ]


CASES = load_cases()


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 123, f"expected the shared operation cases in {CASES_DIR}"
    assert {case.values[0]["operation"] for case in CASES} == set(QUERY_CLASSES) | UNTYPED | META_ONLY


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    operation, query, space = case["operation"], case["query"], case.get("clientCustSpaceId")
    if case.get("provider") == "meta":
        check_meta_case(case)
    elif "wire" in case:
        assert chatlane.operation_params(operation, query, space) == case["wire"]
        if operation not in UNTYPED:
            typed = QUERY_CLASSES[operation].from_dict(query)
            assert chatlane.operation_params(operation, typed.to_dict(), space) == case["wire"]
    else:
        with pytest.raises(chatlane.ChatlaneError) as raised:
            chatlane.operation_params(operation, query, space)
        assert raised.value.code == case["error"]["code"], raised.value
        assert f"{case['error']['field']}: " in raised.value.message or not case["error"]["field"], raised.value
        assert raised.value.attempts == 0


def check_meta_case(case: dict[str, Any]) -> None:
    """A Meta case: the first Graph request, or the error before it."""
    operation, query, waba_id = case["operation"], case["query"], case.get("clientWabaId")
    if "graph" in case:
        assert chatlane.meta_request(operation, query, waba_id) == case["graph"]
        return
    with pytest.raises(chatlane.ChatlaneError) as raised:
        chatlane.meta_request(operation, query, waba_id)
    assert raised.value.code == case["error"]["code"], raised.value
    assert f"{case['error']['field']}: " in raised.value.message or not case["error"]["field"], raised.value


def test_operation_params_refuses_other_operations() -> None:
    with pytest.raises(chatlane.ConfigurationError, match="SendChatappMessage"):
        chatlane.operation_params("SendChatappMessage", {})


def test_the_arguments_map_onto_the_query_shape() -> None:
    since = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone(timedelta(hours=8)))
    until_ms = 1_800_000_000_123
    query = _ops.list_messages(BUSINESS, since=since, until=until_ms, direction="inbound", page_size=5)
    assert query == {
        "businessNumber": BUSINESS,
        "direction": "inbound",
        "sinceMs": int(since.timestamp()) * 1000 + 678,
        "untilMs": until_ms,
        "pageSize": 5,
    }
    assert chatlane.operation_params("ListChatappMessage", query, SPACE)["StartTime"] == str(query["sinceMs"])
    assert _ops.template("T1", language="en") == {"code": "T1", "language": "en"}
    assert _ops.list_templates(audit_status="pass", page=2) == {"auditStatus": "pass", "page": 2}
    assert _ops.phone_numbers(status="CONNECTED") == {"status": "CONNECTED"}
    body = chatlane.TemplateComponent(kind="BODY", text="Hi $(name)")
    assert _ops.create_template("n", language="en", category="UTILITY", components=[body], example={"name": "Ada"}) == {
        "name": "n",
        "language": "en",
        "category": "UTILITY",
        "components": [{"kind": "BODY", "text": "Hi $(name)"}],
        "example": {"name": "Ada"},
    }
    assert _ops.modify_template(name="n", language="en", components=[{"kind": "BODY"}]) == {
        "name": "n",
        "language": "en",
        "components": [{"kind": "BODY"}],
    }
    assert _ops.delete_template("C") == {"code": "C"}


@pytest.mark.parametrize(
    ("since", "error", "text"),
    [
        (datetime(2026, 1, 2), ValueError, "since must be an aware datetime"),
        (1.5, TypeError, "not float"),
        ("2026-01-02", TypeError, "not str"),
        (True, TypeError, "not bool"),
    ],
)
def test_a_time_is_an_aware_datetime_or_milliseconds(since: Any, error: type[Exception], text: str) -> None:
    client = chatlane.Client(access_key_id="k", access_key_secret="s", endpoint="http://127.0.0.1:9")
    with pytest.raises(error, match=text):
        client.list_messages(BUSINESS, since=since)
    with pytest.raises(error, match=text):
        client.iter_messages(BUSINESS, since=since)


def test_each_operation_declares_the_arguments_it_reads() -> None:
    """The stub and the runtime signature (`help()`, `inspect`) of every operation method give
    exactly the arguments `_ops` reads for it."""
    stub = next(n for n in ast.parse(STUB.read_text()).body if isinstance(n, ast.ClassDef) and n.name == "Client")
    methods = {n.name: n.args for n in stub.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    operations = ("list_messages", "list_templates", "template", "phone_numbers")
    for name in (*operations, "create_template", "modify_template", "delete_template", "upload_media"):
        read = list(inspect.signature(getattr(_ops, name)).parameters.values())
        expected = (
            [p.name for p in read if p.kind is p.POSITIONAL_OR_KEYWORD],
            [p.name for p in read if p.kind is p.KEYWORD_ONLY],
            sum(p.default is not p.empty for p in read if p.kind is p.POSITIONAL_OR_KEYWORD),
        )
        twins = [name, f"{name}_async"] + ([f"iter_{name[5:]}", f"iter_{name[5:]}_async"] if "list_" in name else [])
        for twin in twins:
            args = methods[twin]
            declared = ([a.arg for a in args.args[1:]], [a.arg for a in args.kwonlyargs], len(args.defaults))
            assert declared == expected, twin
            shown = list(inspect.signature(getattr(chatlane.Client, twin)).parameters.values())[1:]
            assert [(p.name, p.kind, p.default) for p in shown] == [(p.name, p.kind, p.default) for p in read], twin


@pytest.fixture
def ops_sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox of its own (its account's pacing budget too) with one channel instance
    holding `BUSINESS` and the `TEMPLATES`, whose receipts follow sends within milliseconds."""
    config = {"custSpaces": [{"id": SPACE, "numbers": [BUSINESS]}], "templates": TEMPLATES, "receiptDelayMs": 5}
    path = tmp_path / "sandbox.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    key = uuid.uuid4().hex
    with running_sandbox(f"py-ops-{key}", f"py-ops-secret-{key}", config=path) as running:
        yield running


@pytest.fixture
def ops_client(ops_sandbox: Sandbox) -> chatlane.Client:
    return ops_sandbox.client(cust_space_id=SPACE)


def answered(sandbox: Sandbox, action: str) -> int:
    """How many requests of `action` the sandbox answered. Reads are paced at the very rate the
    sandbox allows, so network jitter may get one throttled now and then: it is asked again."""
    outcomes = [r["outcome"] for r in sandbox.requests(action)]
    assert set(outcomes) <= {"OK", "Throttling.User"}, outcomes
    return outcomes.count("OK")


def test_templates_are_walked_page_by_page(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    walked = list(ops_client.iter_templates(page_size=2))
    assert [t.code for t in walked] == ALL_CODES
    assert all(isinstance(t, chatlane.TemplateSummary) for t in walked)
    assert (walked[0].name, walked[0].language, walked[0].audit_status) == ("t1", "en", "pass")
    assert walked[-1].audit_status == "auditing"
    assert answered(ops_sandbox, "ListChatappTemplate") == 3, "one request per page"

    pages: list[chatlane.TemplatePage] = []
    page: int | None = 1
    while page is not None:
        pages.append(ops_client.list_templates(page_size=2, page=page))
        page = pages[-1].next_page
    assert [(p.page, p.page_size, p.total, p.next_page) for p in pages] == [(1, 2, 6, 2), (2, 2, 6, 3), (3, 2, 6, None)]
    assert [t for p in pages for t in p.templates] == walked
    assert [t.code for t in ops_client.iter_templates(page_size=2, page=3)] == ["T5", "R1"]

    approved = ops_client.list_templates(audit_status="pass")
    assert (len(approved.templates), approved.total, approved.next_page) == (5, 5, None)
    assert answered(ops_sandbox, "ListChatappTemplate") == 3 + 3 + 1 + 1


def test_templates_are_walked_in_asyncio(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    async def scenario() -> tuple[list[str], list[chatlane.TemplatePage]]:
        walked = [t.code async for t in ops_client.iter_templates_async(page_size=2)]
        pages = [await ops_client.list_templates_async(page_size=2)]
        while (following := pages[-1].next_page) is not None:
            pages.append(await ops_client.list_templates_async(page_size=2, page=following))
        return walked, pages

    walked, pages = asyncio.run(scenario())
    assert walked == ALL_CODES
    assert [[t.code for t in p.templates] for p in pages] == [["T1", "T2"], ["T3", "T4"], ["T5", "R1"]]
    assert answered(ops_sandbox, "ListChatappTemplate") == 6


def test_a_walk_reads_two_pages_ahead_at_most_and_stops_when_its_consumer_stops(
    ops_sandbox: Sandbox, ops_client: chatlane.Client
) -> None:
    """Six pages of one: the two pages after the one being used are asked for ahead, and none
    after that once the consumer stops (a walk that went on would ask for all six)."""

    def settled() -> int:
        time.sleep(0.6)  # two pacing slots: long enough for a walk that went on to ask again
        return answered(ops_sandbox, "ListChatappTemplate")

    walk = ops_client.iter_templates(page_size=1)
    assert next(walk).code == "T1"
    until(lambda: answered(ops_sandbox, "ListChatappTemplate") == 3, "asked for pages 2 and 3 ahead")
    assert settled() == 3, "not page 4"
    walk.close()
    assert settled() == 3

    async def first_three() -> list[str]:
        codes = []
        async for template in ops_client.iter_templates_async(page_size=1):
            codes.append(template.code)
            if len(codes) == 3:
                break
        return codes

    assert asyncio.run(first_three()) == ["T1", "T2", "T3"]
    assert settled() in (3 + 3, 3 + 4, 3 + 5), "pages 1-3, and pages 4-5 if asked for before the walk ended"


def test_a_template_in_full_or_a_typed_error(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    detail = ops_client.template("T1", language="en")
    assert isinstance(detail, chatlane.TemplateDetail)
    assert (detail.code, detail.name, detail.audit_status, detail.allow_send) == ("T1", "t1", "pass", True)
    assert [(c.kind, c.text) for c in detail.components] == [("BODY", "Hi $(name)")]
    assert list(detail.example) == ["name"]
    assert ops_client.template(name="t2", language="en").code == "T2"
    review = asyncio.run(ops_client.template_async("R1", language="en"))
    assert (review.audit_status, review.allow_send) == ("auditing", False)

    missing_ones: list[Callable[[], object]] = [
        lambda: ops_client.template("T9", language="en"),
        lambda: asyncio.run(ops_client.template_async("T1", language="fr")),
    ]
    for missing in missing_ones:
        with pytest.raises(chatlane.TemplateError) as raised:
            missing()
        assert raised.value.code == "TemplateNotFound" and raised.value.category == "template"
        assert raised.value.request_id, "the platform's answer is quoted"
    assert len(ops_sandbox.requests("GetChatappTemplateDetail")) == 5

    with pytest.raises(chatlane.InvalidParameterError, match="^code: "):
        ops_client.template(language="en")
    with pytest.raises(TypeError):
        ops_client.template("T1")  # type: ignore[call-arg]
    assert len(ops_sandbox.requests("GetChatappTemplateDetail")) == 5, "nothing sent"


def test_a_query_that_cannot_be_asked_is_never_sent(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    refused_ones: list[Callable[[], object]] = [
        lambda: ops_client.list_templates(page=0),
        lambda: ops_client.list_messages(BUSINESS, page=0),
        lambda: next(ops_client.iter_templates(page_size=0)),
        lambda: asyncio.run(ops_client.list_templates_async(page=0)),
    ]
    for refused in refused_ones:
        with pytest.raises(chatlane.InvalidParameterError) as raised:
            refused()
        assert raised.value.code == "InvalidParameter" and raised.value.attempts == 0
        assert raised.value.message.startswith(("page: ", "pageSize: ")), raised.value
    with pytest.raises(chatlane.InvalidParameterError, match="^direction: unknown variant `sideways`"):
        ops_client.list_messages(BUSINESS, direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(chatlane.InvalidParameterError, match="^page: "):
        ops_client.list_templates(page=-1)
    with pytest.raises(TypeError, match="page_sise"):
        ops_client.iter_templates(page_sise=2)  # type: ignore[call-arg]
    assert ops_sandbox.requests("ListChatappTemplate") == ops_sandbox.requests("ListChatappMessage") == []


def test_a_cancelled_read_is_never_asked_again(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    ops_sandbox.inject({"kind": "throttle", "retryAfterMs": 1000}, to=None)

    async def scenario() -> None:
        listing = asyncio.create_task(ops_client.list_templates_async())
        await asyncio.sleep(0.3)
        assert not listing.done(), "the read finished before it was cancelled"
        listing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listing
        await asyncio.sleep(1.5)

    asyncio.run(scenario())
    assert [r["outcome"] for r in ops_sandbox.requests("ListChatappTemplate")] == ["Throttling.User"]


def test_a_meta_client_has_no_cams_operations(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    calls: list[Callable[[], object]] = [
        lambda: client.list_templates(),
        lambda: client.template("T1", language="en"),
        lambda: client.phone_numbers(),
        lambda: asyncio.run(client.list_templates_async()),
    ]
    for call in calls:
        with pytest.raises(chatlane.ConfigurationError, match="is a CAMS operation") as raised:
            call()
        assert raised.value.code == "InvalidConfig"


# History and phone numbers: the sandbox's ListChatappMessage and QueryChatappPhoneNumbers.


def test_history_holds_sends_inbound_messages_and_their_statuses(
    ops_sandbox: Sandbox, ops_client: chatlane.Client
) -> None:
    start = datetime.now(timezone.utc)
    ada, bob = new_recipient(), new_recipient()

    def text(to: str, words: str) -> chatlane.Message:
        return chatlane.Message(from_=BUSINESS, to=to, content=chatlane.Text(text=words))

    closed = ops_client.send(text(bob, "outside the window")).message_id
    ops_sandbox.user_writes(ada, BUSINESS, "hello")
    replies = [ops_client.send(text(ada, f"reply {n}")).message_id for n in range(4)]
    template = chatlane.Template(code="T1", language="en", params={"name": "Bob"})
    templated = ops_client.send(chatlane.Message(from_=BUSINESS, to=bob, template=template)).message_id
    sent = {closed, *replies, templated}

    def settled() -> bool:
        records = list(ops_client.iter_messages(BUSINESS))
        return len(records) == 7 and all(r.status in ("read", "failed", "received") for r in records)

    until(settled, "all receipts in the history")
    pages = [ops_client.list_messages(BUSINESS, page_size=3)]
    while (following := pages[-1].next_page) is not None:
        pages.append(ops_client.list_messages(BUSINESS, page_size=3, page=following))
    assert [(len(p.records), p.page, p.next_page) for p in pages] == [(3, 1, 2), (3, 2, 3), (1, 3, None)]
    records = [r for p in pages for r in p.records]
    assert records == list(ops_client.iter_messages(BUSINESS, page_size=3))
    assert all(isinstance(r, chatlane.HistoryRecord) and r.business_number == BUSINESS for r in records)
    by_id = {r.message_id: r for r in records if r.direction == "outbound"}
    assert set(by_id) == sent
    assert [by_id[m].status for m in replies] == ["read"] * 4
    assert by_id[closed].status == "failed" and by_id[closed].fail_reason
    assert (by_id[templated].template_code, by_id[templated].status) == ("T1", "read")
    (inbound,) = [r for r in records if r.direction == "inbound"]
    assert (inbound.user_number, inbound.content, inbound.status) == (ada, "hello", "received")
    assert all(r.sent_at_ms is not None and r.sent_at_ms >= int(start.timestamp()) * 1000 - 1000 for r in records)

    ada_s = ops_client.list_messages(BUSINESS, user_number=ada)
    assert {r.message_id for r in ada_s.records} == {*replies, inbound.message_id}
    outbound_to_ada = list(ops_client.iter_messages(BUSINESS, user_number=ada, direction="outbound", page_size=2))
    assert {r.message_id for r in outbound_to_ada} == set(replies)
    inbound_only = ops_client.list_messages(BUSINESS, direction="inbound").records
    assert [r.message_id for r in inbound_only] == [inbound.message_id]
    assert [r.message_id for r in ops_client.list_messages(BUSINESS, status="failed").records] == [closed]
    assert [r.message_id for r in ops_client.list_messages(BUSINESS, template_code="T1").records] == [templated]

    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert ops_client.list_messages(BUSINESS, since=later).records == []
    assert len(ops_client.list_messages(BUSINESS, since=start - timedelta(seconds=1), until=later).records) == 7
    until_start_ms = int(start.timestamp() * 1000) - 1000
    assert ops_client.list_messages(BUSINESS, until=until_start_ms).records == []


def test_answers_are_built_as_from_dict_builds_them(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    """The core's answers are built natively and unchecked (by ``_model._SHAPES``), from its
    JSON (single calls) or straight from its values (walks): every page, record, template and
    number has the classes, field types and values ``from_dict`` gives."""
    ada = new_recipient()
    ops_client.send(chatlane.Message(from_=BUSINESS, to=ada, content=chatlane.Text(text="hi")))
    ops_sandbox.user_writes(ada, BUSINESS, "hello")
    until(lambda: len(ops_client.list_messages(BUSINESS, user_number=ada).records) == 2, "both in the history")
    numbers = ops_client.phone_numbers()
    answers = [
        ops_client.list_messages(BUSINESS, user_number=ada),
        ops_client.list_templates(),
        ops_client.template("T1", language="en"),
        *numbers,
        *ops_client.iter_messages(BUSINESS, user_number=ada, page_size=1),
        *ops_client.iter_templates(page_size=4),
    ]
    assert numbers and all(isinstance(number, chatlane.PhoneNumber) for number in numbers)
    for answer in answers:
        assert list(parts(answer)) == list(parts(type(answer).from_dict(answer.to_dict()))), answer


def test_a_walks_records_of_plain_values_are_left_to_reference_counting(
    ops_sandbox: Sandbox, ops_client: chatlane.Client
) -> None:
    """A walk builds thousands of records: those holding only strings, numbers, booleans and
    ``None`` cannot be part of a reference cycle, so the cycle collector is not made to
    traverse them (as CPython does for tuples of such values); one holding a list is left to
    it."""
    ada = new_recipient()
    ops_client.send(chatlane.Message(from_=BUSINESS, to=ada, content=chatlane.Text(text="hi")))
    until(lambda: len(ops_client.list_messages(BUSINESS, user_number=ada).records) == 1, "in the history")
    records = list(ops_client.iter_messages(BUSINESS, user_number=ada))
    templates = list(ops_client.iter_templates())
    assert records and templates
    assert not any(gc.is_tracked(record) for record in [*records, *templates])
    page = ops_client._walk("ListChatappTemplate", "{}").next(chatlane.TemplatePage)
    assert gc.is_tracked(page), "it holds a list"


def test_a_pages_repeated_short_strings_are_one_object(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    """A page's records share one ``str`` for a short value they repeat (the business number,
    the user, the channel), built once; a value that differs, or a long one, is its own."""
    ada = new_recipient()
    long_text = "a long text " * 10
    for text in ["hi"] * 8 + [long_text, long_text]:
        ops_client.send(chatlane.Message(from_=BUSINESS, to=ada, content=chatlane.Text(text=text)))
    until(lambda: len(ops_client.list_messages(BUSINESS, user_number=ada).records) == 10, "in the history")
    records = list(ops_client.iter_messages(BUSINESS, user_number=ada))
    for name in ("business_number", "user_number", "channel", "message_type", "content"):
        first, *others = (getattr(record, name) for record in records if record.content == "hi")
        assert all(other is first for other in others), name
    long = [record.content for record in records if record.content == long_text]
    assert len(long) == 2 and long[0] is not long[1]


def test_history_in_asyncio(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    ada = new_recipient()
    for n in range(5):
        template = chatlane.Template(code="T2", language="en", params={"name": f"Ada {n}"})
        ops_client.send(chatlane.Message(from_=BUSINESS, to=ada, template=template))

    async def scenario() -> tuple[list[str], chatlane.HistoryPage]:
        walked = [r.message_id async for r in ops_client.iter_messages_async(BUSINESS, user_number=ada, page_size=2)]
        return walked, await ops_client.list_messages_async(BUSINESS, user_number=ada, page_size=2, page=3)

    walked, last = asyncio.run(scenario())
    assert len(set(walked)) == 5
    assert {e["messageId"] for e in ops_sandbox.ledger_to(ada)} == set(walked)
    assert (len(last.records), last.next_page) == (1, None)
    assert answered(ops_sandbox, "ListChatappMessage") == 3 + 1


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def served(url: str) -> bytes:
    """What `GET url` serves, without credentials."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as answer:
        body: bytes = answer.read()
    return body


def template_reads(sandbox: Sandbox) -> int:
    """The GetChatappTemplateDetail requests the sandbox answered (found or not), throttled
    attempts left out."""
    return sum(r["outcome"] != "Throttling.User" for r in sandbox.requests("GetChatappTemplateDetail"))


def test_template_sends_are_checked_against_the_cached_template(ops_sandbox: Sandbox) -> None:
    client = ops_sandbox.client(cust_space_id=SPACE, template_cache_ttl=60)
    ada = new_recipient()

    def template(code: str, **params: str) -> chatlane.Message:
        return chatlane.Message(from_=BUSINESS, to=ada, template=chatlane.Template(code=code, language="en", params=params))

    client.send(template("T1", name="Ada"))
    with pytest.raises(chatlane.ValidationError) as wrong:
        client.send(template("T1", nmae="Ada"))
    assert wrong.value.code == "InvalidMessage"
    assert [(v.code, v.path, v.message) for v in wrong.value.violations] == [
        ("required", "template.params.name", "required by template T1"),
        ("not_allowed", "template.params.nmae", "not a variable of template T1"),
    ]
    with pytest.raises(chatlane.TemplateError) as review:
        client.send(template("R1"))
    assert review.value.code == "TemplateNotApproved"
    for _ in range(2):
        with pytest.raises(chatlane.TemplateError) as missing:
            asyncio.run(client.send_async(template("T9")))
        assert missing.value.code == "TemplateNotFound"

    assert len(ops_sandbox.ledger_to(ada)) == 1, "nothing that does not fit the template was sent"
    assert template_reads(ops_sandbox) == 3, "each template read once (T1, R1, T9), then cached"


def test_a_cached_template_is_read_again_after_its_ttl(ops_sandbox: Sandbox) -> None:
    client = ops_sandbox.client(cust_space_id=SPACE, template_cache_ttl=2)
    message = chatlane.Message(
        from_=BUSINESS, to=new_recipient(), template=chatlane.Template(code="T2", language="en", params={"name": "Bo"})
    )
    client.send(message)
    client.send(message)
    assert template_reads(ops_sandbox) == 1
    time.sleep(2.2)
    client.send(message)
    assert template_reads(ops_sandbox) == 2, "read again once its TTL passed"
    with pytest.raises(chatlane.ConfigurationError, match="template_cache_ttl"):
        ops_sandbox.client(cust_space_id=SPACE, template_cache_ttl=-1)


def test_an_upload_is_served_back_and_sent_as_an_image(ops_sandbox: Sandbox, ops_client: chatlane.Client) -> None:
    uploaded = ops_client.upload_media(PNG, file_name="logo.png")
    assert isinstance(uploaded, chatlane.UploadedMedia)
    assert (uploaded.size, uploaded.content_type, uploaded.id) == (len(PNG), "image/png", None)
    assert uploaded.key is not None and uploaded.url is not None, uploaded
    assert uploaded.key.startswith(f"{SPACE}/") and uploaded.key.endswith("-logo.png"), uploaded.key
    assert uploaded.url.startswith(f"{ops_sandbox.endpoint}/") and uploaded.url.endswith(uploaded.key), uploaded.url
    assert served(uploaded.url) == PNG
    assert list(parts(uploaded)) == list(parts(chatlane.UploadedMedia.from_dict(uploaded.to_dict())))

    ada = new_recipient()
    ops_sandbox.user_writes(ada, BUSINESS, "send me your logo")
    image = chatlane.Image(link=uploaded.url, caption="our logo")
    receipt = ops_client.send(chatlane.Message(from_=BUSINESS, to=ada, content=image))
    assert json.loads(ops_sandbox.entry(receipt.message_id)["params"]["Content"])["link"] == uploaded.url


def test_a_file_is_uploaded_by_its_path_in_asyncio(
    ops_sandbox: Sandbox, ops_client: chatlane.Client, tmp_path: Path
) -> None:
    file = tmp_path / "brochure 2026.pdf"
    file.write_bytes(PNG)

    async def scenario() -> list[chatlane.UploadedMedia]:
        return [
            await ops_client.upload_media_async(file),
            await ops_client.upload_media_async(str(file), file_name="logo.png", content_type="image/x-png"),
        ]

    by_path, renamed = asyncio.run(scenario())
    assert by_path.key is not None and renamed.key is not None and by_path.url and renamed.url
    assert by_path.key.endswith("-brochure_2026.pdf") and by_path.content_type == "application/pdf", by_path
    assert renamed.key.endswith("-logo.png") and renamed.content_type == "image/x-png", renamed
    assert served(by_path.url) == served(renamed.url) == PNG
    assert ops_client.upload_media(bytearray(PNG), file_name="logo.png", cust_space_id=SPACE).size == len(PNG)
    assert answered(ops_sandbox, "GetChatappUploadAuthorization") == 3


def test_what_cannot_be_uploaded_is_refused_before_anything_is_sent(
    ops_sandbox: Sandbox, ops_client: chatlane.Client, tmp_path: Path
) -> None:
    with pytest.raises(chatlane.InvalidParameterError, match="^bytes: the file is empty") as empty:
        ops_client.upload_media(b"", file_name="logo.png")
    assert empty.value.code == "InvalidParameter"
    with pytest.raises(chatlane.InvalidParameterError, match="^fileName: required"):
        ops_client.upload_media(PNG)
    with pytest.raises(chatlane.InvalidParameterError, match="^bytes: the file is empty"):
        asyncio.run(ops_client.upload_media_async(b"", file_name="logo.png"))
    with pytest.raises(chatlane.ConfigurationError, match="absent.png"):
        ops_client.upload_media(tmp_path / "absent.png")
    with pytest.raises(TypeError, match="data_or_path must be bytes"):
        ops_client.upload_media(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ops_client.upload_media(PNG, filename="logo.png")  # type: ignore[call-arg]
    assert ops_sandbox.requests("GetChatappUploadAuthorization") == []
    assert ops_sandbox.ledger() == []


@pytest.fixture
def numbers_sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox with two channel instances: `SPACE` with a connected and a pending number."""
    spaces = [
        {"id": SPACE, "numbers": [BUSINESS, {"number": "8613800000001", "status": "PENDING", "verifiedName": "Acme"}]},
        {"id": "cams-other", "numbers": ["8613800000002"]},
    ]
    path = tmp_path / "sandbox.json"
    path.write_text(json.dumps({"custSpaces": spaces}), encoding="utf-8")
    with running_sandbox(config=path) as running:
        yield running


def test_phone_numbers(numbers_sandbox: Sandbox) -> None:
    client = numbers_sandbox.client(cust_space_id=SPACE)
    numbers = client.phone_numbers()
    assert all(isinstance(n, chatlane.PhoneNumber) for n in numbers)
    assert [(n.phone_number, n.status) for n in numbers] == [(BUSINESS, "CONNECTED"), ("8613800000001", "PENDING")]
    assert numbers[1].verified_name == "Acme" and numbers[0].quality_rating == "GREEN"
    assert numbers[0].messaging_limit_tier
    connected = asyncio.run(client.phone_numbers_async(status="CONNECTED"))
    assert [n.phone_number for n in connected] == [BUSINESS]
    other = client.phone_numbers(cust_space_id="cams-other")
    assert [n.phone_number for n in other] == ["8613800000002"]
    unknown = numbers_sandbox.client(cust_space_id="cams-unknown")
    with pytest.raises(chatlane.ChatlaneError):
        unknown.phone_numbers()
    assert len(numbers_sandbox.requests("QueryChatappPhoneNumbers")) == 4


def test_a_read_releases_the_interpreter() -> None:
    """A read waiting for an answer does not stop other Python threads."""
    with socket.socket() as silent:  # accepts connections (kernel backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = chatlane.Client(
            access_key_id="id", access_key_secret="secret", endpoint=endpoint, request_timeout=2.0, max_attempts=1
        )
        failures: list[BaseException] = []

        def read() -> None:
            try:
                client.list_templates()
            except chatlane.ChatlaneError as error:
                failures.append(error)

        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.3)
        still_reading = reader.is_alive()
        reader.join()
    # Had the read held the interpreter, this thread would only wake once it had finished.
    assert still_reading, "the read finished before the timeout: the interpreter was held"
    assert len(failures) == 1
