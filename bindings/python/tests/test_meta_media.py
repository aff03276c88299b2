"""Meta's media through a Meta client (the sandbox's Meta face): an upload sent by its media ID,
looked up, downloaded with its hash checked (an expired URL asked again, a damaged file
refused) and deleted, in both styles; a user's image downloaded by the ID its message gave;
what is refused before anything is sent; a CAMS client has no media IDs."""

from __future__ import annotations

import asyncio

import pytest

import chatlane
from conftest import PHONE_NUMBER_ID, Sandbox, new_recipient

PNG = b"\x89PNG\r\n\x1a\n our logo"


def test_an_upload_is_sent_by_its_id_then_downloaded_and_deleted(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    uploaded = client.upload_media(PNG, file_name="logo.png", phone_number_id=PHONE_NUMBER_ID)
    assert (uploaded.url, uploaded.key, uploaded.size, uploaded.content_type) == (None, None, len(PNG), "image/png")
    assert uploaded.id is not None and uploaded.id.isdigit(), uploaded

    ada = new_recipient()
    image = chatlane.Image(link=uploaded.url, id=uploaded.id, caption="our logo")
    client.send(chatlane.Message(from_=PHONE_NUMBER_ID, to=ada, content=image))
    assert sandbox.meta_ledger_to(ada)[0]["body"]["image"] == {"id": uploaded.id, "caption": "our logo"}

    info = client.media_info(uploaded.id, phone_number_id=PHONE_NUMBER_ID)
    assert isinstance(info, chatlane.MediaInfo)
    assert (info.id, info.size, info.content_type) == (uploaded.id, len(PNG), "image/png")
    downloaded = client.download_media(uploaded.id)
    assert downloaded == chatlane.DownloadedMedia(PNG, "image/png", info.sha256)
    assert repr(downloaded) == f"DownloadedMedia(data=<{len(PNG)} bytes>, content_type='image/png', sha256={info.sha256!r})"

    sandbox.expire_meta_media_urls()
    assert client.download_media(uploaded.id, phone_number_id=PHONE_NUMBER_ID).data == PNG, "a fresh URL is asked"

    client.delete_media(uploaded.id)
    with pytest.raises(chatlane.InvalidParameterError) as gone:
        client.media_info(uploaded.id)
    assert (gone.value.code, gone.value.platform_code) == ("InvalidParameter", "100")


def test_media_calls_as_asyncio_coroutines(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()

    async def scenario() -> tuple[chatlane.UploadedMedia, chatlane.MediaInfo, chatlane.DownloadedMedia]:
        uploaded = await client.upload_media_async(PNG, file_name="logo.png", phone_number_id=PHONE_NUMBER_ID)
        assert uploaded.id is not None
        info = await client.media_info_async(uploaded.id)
        downloaded = await client.download_media_async(uploaded.id)
        await client.delete_media_async(uploaded.id)
        return uploaded, info, downloaded

    uploaded, info, downloaded = asyncio.run(scenario())
    assert (info.id, downloaded.data) == (uploaded.id, PNG)
    with pytest.raises(chatlane.InvalidParameterError):
        asyncio.run(client.download_media_async(info.id))


def test_a_damaged_download_is_refused(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    media_id = client.upload_media(PNG, file_name="logo.png", phone_number_id=PHONE_NUMBER_ID).id
    assert media_id is not None
    sandbox.corrupt_meta_media(media_id)
    with pytest.raises(chatlane.MalformedResponseError, match="damaged") as damaged:
        client.download_media(media_id)
    assert damaged.value.code == "MalformedResponse"


def test_a_users_image_is_downloaded_by_the_id_its_message_gave(sandbox: Sandbox) -> None:
    photo = b"\xff\xd8\xff\xe0 a user's photo"
    media_id = sandbox.meta_user_sends_image(new_recipient(), PHONE_NUMBER_ID, photo, "image/jpeg")
    downloaded = sandbox.meta_client().download_media(media_id)
    assert (downloaded.data, downloaded.content_type) == (photo, "image/jpeg")


def test_what_meta_cannot_take_is_refused_before_anything_is_sent(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    with pytest.raises(chatlane.InvalidParameterError, match="^phoneNumberId: required"):
        client.upload_media(PNG, file_name="logo.png")
    with pytest.raises(chatlane.InvalidParameterError, match="^bytes: WhatsApp takes image/png files of at most 5 MB"):
        client.upload_media(bytes(5 * 1024 * 1024 + 1), file_name="big.png", phone_number_id=PHONE_NUMBER_ID)
    with pytest.raises(chatlane.InvalidParameterError, match="^mediaId: "):
        client.media_info("1/messages")
    with pytest.raises(TypeError):
        client.download_media()  # type: ignore[call-arg]
    ada = new_recipient()
    both = chatlane.Image(link="https://cdn.example.com/a.png", id="1037543291543636")
    with pytest.raises(chatlane.ValidationError) as refused:
        client.send(chatlane.Message(from_=PHONE_NUMBER_ID, to=ada, content=both))
    assert [(v.code, v.path) for v in refused.value.violations] == [("exclusive", "content.id")]
    assert sandbox.meta_ledger_to(ada) == []


def test_a_cams_client_has_no_media_ids(sandbox: Sandbox) -> None:
    client = sandbox.client(cust_space_id="cams-1")
    with pytest.raises(chatlane.ConfigurationError, match="Meta's Graph API"):
        client.media_info("1037543291543636")
    with pytest.raises(chatlane.ConfigurationError, match="Meta's Graph API"):
        client.download_media("1037543291543636")
    assert chatlane.violations(chatlane.Message(from_="86", to="65", content=chatlane.Image(id="1037"))) != []
