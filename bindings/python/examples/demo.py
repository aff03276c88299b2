"""Sends a template (blocking), a text (asyncio) and reply buttons with chatlane, and shows a
message refused before anything is sent.

The endpoint comes from CHATLANE_ENDPOINT (e.g. a `chatlane sandbox`), the credentials from
ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, as in production.

    CHATLANE_ENDPOINT=http://127.0.0.1:8080 \
    ALIBABA_CLOUD_ACCESS_KEY_ID=sandbox-access-key-id \
    ALIBABA_CLOUD_ACCESS_KEY_SECRET=sandbox-access-key-secret \
    python bindings/python/examples/demo.py
"""

import asyncio
import os
import sys

import chatlane

SENDER = "8613800000000"
RECIPIENT = "6591234567"


async def send_text(client: chatlane.Client) -> chatlane.SendReceipt:
    message = chatlane.Message(from_=SENDER, to=RECIPIENT, content=chatlane.Text(text="Hello from Python!"))
    return await client.send_async(message)


def main() -> int:
    try:
        client = chatlane.Client(endpoint=os.environ.get("CHATLANE_ENDPOINT"))
        template = client.send(
            chatlane.Message(
                from_=SENDER,
                to=RECIPIENT,
                template=chatlane.Template(code="744c4b5c79c94324", language="en", params={"name": "Ada"}),
            )
        )
        print(f"python  template  MessageId={template.message_id}")
        text = asyncio.run(send_text(client))
        print(f"python  text      MessageId={text.message_id}")
        buttons = chatlane.InteractiveButton(
            body=chatlane.InteractiveText(text="Your table for 2 at 19:00 is ready. Still coming?"),
            action=chatlane.ButtonAction(
                buttons=[
                    chatlane.ReplyButton(reply=chatlane.Reply(id="yes", title="Yes")),
                    chatlane.ReplyButton(reply=chatlane.Reply(id="no", title="No, cancel")),
                ]
            ),
        )
        reply = client.send(chatlane.Message(from_=SENDER, to=RECIPIENT, content=buttons))
        print(f"python  buttons   MessageId={reply.message_id}")
        bad = chatlane.Message(from_="+86 138", to=RECIPIENT, content=chatlane.Image(link="ftp://example.com/a.png"))
        for violation in chatlane.violations(bad):
            print(f"python  refused   {violation.path}: {violation.message} [{violation.code}]")
    except chatlane.ChatlaneError as error:
        print(f"python  failed    {type(error).__name__} [{error.code}]: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
