"""A FastAPI app receiving CAMS pushes and Meta's webhook through ``chatlane.Receiver``.

    WHATSAPP_APP_SECRET=… WHATSAPP_VERIFY_TOKEN=… CHATLANE_CAMS_PUSH_TOKEN=… \\
    uvicorn --factory --app-dir bindings/python/examples webhook_fastapi:create_app --port 8080

Point CAMS's StatusCallbackUrl at ``https://HOST/cams/status?token=<push token>``, its
UpCallbackUrl at ``https://HOST/cams/inbound?token=<push token>`` and Meta's callback URL at
``https://HOST/meta``. Each new event is printed as one JSON line, then committed to the
SQLite store (``CHATLANE_EVENT_STORE``, default ``chatlane-events.db``): a redelivery prints
nothing, also after a restart. The receiver's calls block (SQLite), so they run in a worker
thread, never on the event loop. Behind a reverse proxy, run uvicorn with
``--proxy-headers`` so that ``request.client.host`` is the pushing peer's address.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable

from fastapi import FastAPI, Request, Response

import chatlane

EventHandler = Callable[[list[chatlane.Event]], None]


def print_events(events: list[chatlane.Event]) -> None:
    """Processes events: here, one JSON line each on stdout."""
    for event in events:
        print(json.dumps(event.to_dict()), flush=True)


def receiver_from_env() -> chatlane.Receiver:
    """The receiver the environment describes (as ``chatlane webhook`` reads it)."""
    return chatlane.Receiver(
        meta_app_secret=os.environ.get("WHATSAPP_APP_SECRET"),
        meta_verify_token=os.environ.get("WHATSAPP_VERIFY_TOKEN"),
        cams_token=os.environ.get("CHATLANE_CAMS_PUSH_TOKEN"),
        event_store=os.environ.get("CHATLANE_EVENT_STORE", "chatlane-events.db"),
    )


def create_app(receiver: chatlane.Receiver | None = None, on_events: EventHandler = print_events) -> FastAPI:
    """The app: ``POST /cams/status``, ``POST /cams/inbound``, ``GET`` and ``POST /meta``."""
    receiver = receiver or receiver_from_env()
    app = FastAPI()

    async def answer(endpoint: chatlane.WebhookEndpoint, request: Request) -> Response:
        body = await request.body()
        reply = await asyncio.to_thread(
            receiver.handle,
            endpoint,
            method=request.method,
            query=request.url.query,
            headers=request.headers,
            body=body,
            remote_addr=request.client.host if request.client else None,
        )
        if reply.events:
            on_events(reply.events)  # process first, then commit: after a crash in between,
            await asyncio.to_thread(receiver.commit, reply.events)  # `reclaim` hands them out again
        return Response(reply.body, status_code=reply.status, media_type=reply.content_type)

    @app.post("/cams/status")
    async def cams_status(request: Request) -> Response:
        return await answer("cams_status", request)

    @app.post("/cams/inbound")
    async def cams_inbound(request: Request) -> Response:
        return await answer("cams_inbound", request)

    @app.api_route("/meta", methods=["GET", "POST"])
    async def meta(request: Request) -> Response:
        return await answer("meta", request)

    return app
