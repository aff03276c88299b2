"""A Flask app receiving CAMS pushes and Meta's webhook through ``chatlane.Receiver``.

    WHATSAPP_APP_SECRET=… WHATSAPP_VERIFY_TOKEN=… CHATLANE_CAMS_PUSH_TOKEN=… \\
    flask --app bindings/python/examples/webhook_flask.py run --port 8080

Point CAMS's StatusCallbackUrl at ``https://HOST/cams/status?token=<push token>``, its
UpCallbackUrl at ``https://HOST/cams/inbound?token=<push token>`` and Meta's callback URL at
``https://HOST/meta``. Each new event is printed as one JSON line, then committed to the
SQLite store (``CHATLANE_EVENT_STORE``, default ``chatlane-events.db``): a redelivery prints
nothing, also after a restart. Behind a reverse proxy, wrap the app in Werkzeug's ``ProxyFix``
so that ``request.remote_addr`` is the pushing peer's address.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import flask

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


def create_app(receiver: chatlane.Receiver | None = None, on_events: EventHandler = print_events) -> flask.Flask:
    """The app: ``POST /cams/status``, ``POST /cams/inbound``, ``GET`` and ``POST /meta``."""
    receiver = receiver or receiver_from_env()
    app = flask.Flask(__name__)

    def answer(endpoint: chatlane.WebhookEndpoint) -> flask.Response:
        request = flask.request
        reply = receiver.handle(
            endpoint,
            method=request.method,
            query=request.query_string.decode("latin-1"),
            headers=request.headers,
            body=request.get_data(),
            remote_addr=request.remote_addr,
        )
        if reply.events:
            on_events(reply.events)  # process first, then commit: after a crash in between,
            receiver.commit(reply.events)  # `receiver.reclaim(lease)` hands them out again
        return flask.Response(reply.body, status=reply.status, content_type=reply.content_type)

    @app.post("/cams/status")
    def cams_status() -> flask.Response:
        return answer("cams_status")

    @app.post("/cams/inbound")
    def cams_inbound() -> flask.Response:
        return answer("cams_inbound")

    @app.route("/meta", methods=["GET", "POST"])
    def meta() -> flask.Response:
        return answer("meta")

    return app


if __name__ == "__main__":
    create_app().run(port=int(os.environ.get("PORT", "8080")))
