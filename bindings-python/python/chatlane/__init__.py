"""chatlane: send chat-app messages through Alibaba Cloud CAMS.

>>> from chatlane import Client, Template
>>> client = Client(cust_space_id="cams-...")  # credentials from ALIBABA_CLOUD_* variables
>>> receipt = client.send(Template(sender="8613900000000", to="8613800000000",
...                                code="744c4b5c79c94324", language="en", params={"name": "Ada"}))

Every error is a ``ChatlaneError``; its subclass names the category (``ValidationError``,
``AuthenticationError``, ``ThrottledError``, ...) and ``code`` the exact cause.
"""

from typing import Union

from ._chatlane import (
    AuthenticationError,
    ChatlaneError,
    Client,
    ConfigurationError,
    InternalError,
    InvalidParameterError,
    MalformedResponseError,
    NetworkError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RejectedError,
    RequestTimeoutError,
    SendReceipt,
    ServerError,
    SessionWindowError,
    SubscriptionError,
    Template,
    TemplateError,
    Text,
    ThrottledError,
    ValidationError,
    Violation,
    __version__,
)

Message = Union[Template, Text]
"""Anything ``Client.send`` and ``Client.send_async`` accept."""

__all__ = [
    "AuthenticationError",
    "ChatlaneError",
    "Client",
    "ConfigurationError",
    "InternalError",
    "InvalidParameterError",
    "MalformedResponseError",
    "Message",
    "NetworkError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RejectedError",
    "RequestTimeoutError",
    "SendReceipt",
    "ServerError",
    "SessionWindowError",
    "SubscriptionError",
    "Template",
    "TemplateError",
    "Text",
    "ThrottledError",
    "ValidationError",
    "Violation",
    "__version__",
]
