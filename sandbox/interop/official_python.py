"""Drives Alibaba's official Python SDK (alibabacloud-cams20200606) against the sandbox.

Proves the sandbox speaks the real protocol: a template, a text and a mass message are
accepted with signature V3 and with the legacy V2, a wrong secret is refused with
SignatureDoesNotMatch, and the template registry (sandbox.json) answers ListChatappTemplate
and GetChatappTemplateDetail. Then the operations beyond sending, read through the SDK's own
models: ListChatappMessage pages through the messages sent, QueryChatappPhoneNumbers lists
the configured number, GetChatappUploadAuthorization hands out upload credentials, and a
template is created, read, modified and deleted. Prints one line per check; exits non-zero
on the first surprise.

    python official_python.py http://127.0.0.1:PORT ACCESS_KEY_ID ACCESS_KEY_SECRET
"""

import sys
from urllib.parse import urlsplit

from alibabacloud_cams20200606 import models
from alibabacloud_cams20200606.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

SENDER, RECIPIENT = "8613800000000", "6591234567"


def client(endpoint: str, key_id: str, secret: str, algorithm: str) -> Client:
    url = urlsplit(endpoint)
    config = Config(access_key_id=key_id, access_key_secret=secret, endpoint=url.netloc, protocol=url.scheme)
    if algorithm == "v2":
        config.signature_algorithm = "v2"
    return Client(config)


def send_all(sdk: Client, algorithm: str) -> None:
    template = sdk.send_chatapp_message(
        models.SendChatappMessageRequest(
            channel_type="whatsapp", type="template", from_=SENDER, to=RECIPIENT, cust_space_id="cams-interop",
            template_code="744c4b5c79c94324", language="en", template_params={"name": "Zoë"}, payload=["p1"],
        )
    ).body
    text = sdk.send_chatapp_message(
        models.SendChatappMessageRequest(
            channel_type="whatsapp", type="message", message_type="text", from_=SENDER, to=RECIPIENT,
            content='{"text":"Hello from the official SDK"}', task_id=f"interop-{algorithm}",
        )
    ).body
    mass = sdk.send_chatapp_mass_message(
        models.SendChatappMassMessageRequest(
            channel_type="whatsapp", from_=SENDER, template_code="744c4b5c79c94324", language="en",
            sender_list=[
                models.SendChatappMassMessageRequestSenderList(to="6591234567", template_params={"name": "Ada"}),
                models.SendChatappMassMessageRequestSenderList(to="6597654321", template_params={"name": "Bo"}),
            ],
        )
    ).body
    for kind, body, identifier in [
        ("template", template, template.message_id),
        ("text", text, text.message_id),
        ("mass", mass, mass.group_message_id),
    ]:
        if body.code != "OK" or not identifier:
            raise SystemExit(f"official python {algorithm} {kind}: unexpected answer {body.to_map()}")
        print(f"official python  {algorithm}  {kind:<8} accepted  {identifier}")


def templates(sdk: Client) -> None:
    listed = sdk.list_chatapp_template(
        models.ListChatappTemplateRequest(
            cust_space_id="cams-interop", audit_status="pass", page=models.ListChatappTemplateRequestPage(index=1, size=10)
        )
    ).body
    codes = [t.template_code for t in listed.list_template or []]
    if listed.code != "OK" or codes != ["744c4b5c79c94324"]:
        raise SystemExit(f"official python: ListChatappTemplate answered {listed.to_map()}")
    print(f"official python  v3  ListChatappTemplate: {codes}")
    detail = sdk.get_chatapp_template_detail(
        models.GetChatappTemplateDetailRequest(cust_space_id="cams-interop", template_code=codes[0], language="en")
    ).body
    if detail.code != "OK" or detail.data.name != "order_update" or not detail.data.components:
        raise SystemExit(f"official python: GetChatappTemplateDetail answered {detail.to_map()}")
    print(f"official python  v3  GetChatappTemplateDetail: {detail.data.name}, {len(detail.data.components)} components")
    unapproved = sdk.send_chatapp_message(
        models.SendChatappMessageRequest(
            channel_type="whatsapp", type="template", from_=SENDER, to=RECIPIENT,
            template_code="9a1b2c3d4e5f6a7b", language="en",
        )
    ).body
    if unapproved.code == "OK":
        raise SystemExit("official python: an unapproved template was accepted")
    print(f"official python  v3  unapproved template refused: {unapproved.code} (HTTP 200, as CAMS answers)")


def beyond_sending(sdk: Client) -> None:
    """Run after both signature versions' sends: 2 x (template, text, 2 mass recipients)."""
    records, index = [], 1
    while True:
        page = sdk.list_chatapp_message(
            models.ListChatappMessageRequest(
                channel_type="whatsapp", cust_space_id="cams-interop", business_number=SENDER,
                page=models.ListChatappMessageRequestPage(index=index, size=3),
            )
        ).body
        if page.code != "OK":
            raise SystemExit(f"official python: ListChatappMessage answered {page.to_map()}")
        records += page.data or []
        if len(page.data or []) < 3:
            break
        index += 1
    if len(records) != 8 or {r.event_action for r in records} != {"DOWN"} or not all(r.send_time for r in records):
        raise SystemExit(f"official python: ListChatappMessage gave {[r.to_map() for r in records]}")
    print(f"official python  v3  ListChatappMessage: {len(records)} records on {index} pages")
    numbers = sdk.query_chatapp_phone_numbers(models.QueryChatappPhoneNumbersRequest(cust_space_id="cams-interop")).body
    if [(n.phone_number, n.status) for n in numbers.phone_numbers or []] != [(SENDER, "CONNECTED")]:
        raise SystemExit(f"official python: QueryChatappPhoneNumbers answered {numbers.to_map()}")
    print(f"official python  v3  QueryChatappPhoneNumbers: {numbers.phone_numbers[0].phone_number}")
    upload = sdk.get_chatapp_upload_authorization(
        models.GetChatappUploadAuthorizationRequest(cust_space_id="cams-interop")
    ).body
    if upload.code != "OK" or not (upload.data.security_token and upload.data.bucket_name and upload.data.expire):
        raise SystemExit(f"official python: GetChatappUploadAuthorization answered {upload.to_map()}")
    print(f"official python  v3  GetChatappUploadAuthorization: {upload.data.bucket_name}/{upload.data.dir}")
    created = sdk.create_chatapp_template(
        models.CreateChatappTemplateRequest(
            cust_space_id="cams-interop", template_type="WHATSAPP", name="interop_code", language="en",
            category="AUTHENTICATION",
            components=[models.CreateChatappTemplateRequestComponents(type="BODY", text="Your code is $(code).")],
        )
    ).body
    code = created.data.template_code if created.data else None
    detail = sdk.get_chatapp_template_detail(
        models.GetChatappTemplateDetailRequest(template_code=code, language="en")
    ).body
    modified = sdk.modify_chatapp_template(
        models.ModifyChatappTemplateRequest(
            template_code=code, language="en",
            components=[models.ModifyChatappTemplateRequestComponents(type="BODY", text="Use $(code).")],
        )
    ).body
    request = models.DeleteChatappTemplateRequest(template_code=code, template_type="WHATSAPP", language="en")
    deleted, again = sdk.delete_chatapp_template(request).body, sdk.delete_chatapp_template(request).body
    outcome = (created.code, detail.data.audit_status if detail.data else None, modified.code, deleted.code, again.code)
    if outcome != ("OK", "auditing", "OK", "OK", "DelError.TemplateNotExist"):
        raise SystemExit(f"official python: template life cycle gave {outcome}")
    print(f"official python  v3  template {code} created, auditing, modified, deleted")


def main() -> None:
    endpoint, key_id, secret = sys.argv[1:4]
    templates(client(endpoint, key_id, secret, "v3"))
    for algorithm in ("v3", "v2"):
        send_all(client(endpoint, key_id, secret, algorithm), algorithm)
        try:
            send_all(client(endpoint, key_id, secret + "-wrong", algorithm), algorithm)
        except ClientException as error:
            if error.code != "SignatureDoesNotMatch":
                raise SystemExit(f"official python {algorithm}: wrong secret gave {error.code}") from error
            print(f"official python  {algorithm}  wrong secret refused: {error.code}")
        else:
            raise SystemExit(f"official python {algorithm}: a wrong secret was accepted")
    beyond_sending(client(endpoint, key_id, secret, "v3"))


if __name__ == "__main__":
    main()
