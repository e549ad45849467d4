"""Telephony with real SIP: the switchboard binary, Kamailio with deploy/kamailio/kamailio.cfg and
SIPp phones on 127.0.0.1. Kamailio asks Switchboard for the routing decision and the caller's
name on every INVITE to an extension, and Switchboard asks Kamailio to bridge soft calls.

Ring time: SWITCHBOARD_RING_SECONDS=2 here (5 s in production), so "2 rings" is 4 s of ringing
instead of 10 s; the rules and the PBX path are the same."""
import time
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.by import By

from conftest import Server, screenshot
from pages import click_and_wait, open_page, sign_in
from telephony import (
    ANSWER, CALL, DECLINE, REGISTER, RING_UNTIL_CANCELLED, SIPp, Kamailio, WebSession, api, free_sip_port,
    free_udp_port, header_check, request_line_check,
)

PASSWORD = "telephony-pass-1"
ADMIN_PASSWORD = "admin-telephony-1"
RING_SECONDS = 2


@pytest.fixture(scope="module")
def pbx():
    sip_port = free_sip_port()
    trunk_port, voicemail_port = free_udp_port(), free_udp_port()
    server = Server({
        "SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "SWITCHBOARD_PBX": "kamailio",
        "SWITCHBOARD_KAMAILIO_URL": f"http://127.0.0.1:{sip_port}/RPC",
        "SWITCHBOARD_SIP_DOMAIN": f"127.0.0.1:{sip_port}",
        "SWITCHBOARD_RING_SECONDS": str(RING_SECONDS),
        "SWITCHBOARD_OUTSIDE_LINE_PREFIX": "0",
    })
    kamailio = None
    try:
        for name, extension in [("alice", "201"), ("bob", "202"), ("carol", "203"), ("dave", "204")]:
            server.create_user(name, PASSWORD, extension=extension)
        pbx_token = server.cli("pbx-token", "create", "kamailio-e2e", "--quiet").strip()
        assert pbx_token.startswith("sbpbx_")
        kamailio = Kamailio(sip_port, server.url, pbx_token, trunk_port, voicemail_port, register_flags="0x04")

        admin = WebSession(server.url, "admin", ADMIN_PASSWORD)
        token = admin.create_token("telephony e2e")
        status, users = api(server.url, "GET", "/api/v1/users", token)
        assert status == 200, users
        ids = {user["username"]: user["id"] for user in users["items"]}

        def forwarding(username, rules):
            body = {kind: {"enabled": False} for kind in ("unconditional", "internal", "external")}
            body.update(rules)
            status, answer = api(server.url, "PUT", f"/api/v1/users/{ids[username]}/forwarding", token, body)
            assert status == 200, answer

        forwarding("alice", {
            "internal": {"enabled": True, "destination": {"kind": "extension", "value": "203"}, "rings": 1},
            "external": {"enabled": True, "destination": {"kind": "voicemail"}, "rings": 2},
        })
        forwarding("dave", {
            "unconditional": {"enabled": True, "destination": {"kind": "external", "value": "06 99 88 77 66"}},
        })
        server.cli("contact-groups", "create", "Company")
        server.cli("contact-groups", "grant", "bob", "Company")
        status, groups = api(server.url, "GET", "/api/v1/contact-groups", token)
        group_id = next(group["id"] for group in groups["items"] if group["name"] == "Company")
        status, contact = api(server.url, "POST", "/api/v1/contacts", token, {
            "firstName": "Marie", "lastName": "Curie", "groupIds": [group_id],
            "phones": [{"type": "mobile", "number": "+33 6 12 34 56 78"},
                       {"type": "business", "number": "01 44 27 00 00"}],
        })
        assert status == 201, contact
        yield SimpleNamespace(
            server=server, kamailio=kamailio, sip=f"127.0.0.1:{sip_port}", trunk_port=trunk_port,
            voicemail_port=voicemail_port, contact_id=contact["id"], contact_name=contact["displayName"])
    finally:
        if kamailio:
            kamailio.stop()
        server.stop()


def phone(pbx, extension, scenario, check=""):
    """A SIPp phone registered as `extension` that will play `scenario` for the next call."""
    port = free_udp_port()
    device = SIPp(f"phone-{extension}", scenario.format(check=check), port)
    registration = SIPp(
        f"register-{extension}", REGISTER.format(ext=extension, phone_port=port), free_udp_port(), remote=pbx.sip)
    assert registration.wait(20) == 0, registration.report() + pbx.kamailio.output()[-3000:]
    return device


def call(pbx, caller, callee):
    return SIPp(f"call-{caller}-{callee}", CALL.format(caller=caller, callee=callee), free_udp_port(), remote=pbx.sip)


def finished(pbx, *devices):
    """Every SIPp played its scenario to the end (exit 0); else the logs, for the failure message."""
    codes = [device.wait(40) for device in devices]
    report = "\n".join(device.report() for device in devices)
    for device in devices:
        device.stop()
    assert codes == [0] * len(devices), report + "\n--- kamailio\n" + pbx.kamailio.output()[-5000:]


def test_soft_call_from_the_dialpad_rings_the_users_own_phone(pbx):
    bobs_phone = phone(pbx, "202", DECLINE, check=request_line_check(r"^INVITE sip:202@"))
    bob = WebSession(pbx.server.url, "bob", PASSWORD)
    page = bob.post("/dialpad", {"number": "06 99 88 77 66"}, csrf_from="/dialpad")
    assert "Calling 0699887766: your phone (202) rings first." in page
    finished(pbx, bobs_phone)
    assert "INVITE sip:202@" in bobs_phone.messages()


def test_unconditional_forward_to_an_outside_number_lands_on_the_trunk(pbx):
    trunk = SIPp("trunk", ANSWER.format(check=(
        request_line_check(r"^INVITE sip:00699887766@")
        + header_check("Diversion:", r"<sip:204@[^>]*>;reason=unconditional"))), pbx.trunk_port)
    caller = call(pbx, "0140000000", "204")
    finished(pbx, caller, trunk)


def test_outside_caller_rings_twice_then_reaches_voicemail(pbx):
    alices_phone = phone(pbx, "201", RING_UNTIL_CANCELLED)
    voicemail = SIPp("voicemail", ANSWER.format(check=(
        request_line_check(r"^INVITE sip:vm201@")
        + header_check("Diversion:", r"<sip:201@[^>]*>;reason=no-answer"))), pbx.voicemail_port)
    started = time.monotonic()
    caller = call(pbx, "0140000000", "201")
    finished(pbx, caller, alices_phone, voicemail)
    # The phone rang, then was cancelled by the PBX's timer (the answered ringSeconds), not at once.
    assert "CANCEL sip:201@" in alices_phone.messages()
    assert time.monotonic() - started >= 2 * RING_SECONDS


def test_colleague_calling_is_forwarded_to_another_extension(pbx):
    alices_phone = phone(pbx, "201", RING_UNTIL_CANCELLED)
    carols_phone = phone(pbx, "203", ANSWER, check=header_check("Diversion:", r"<sip:201@[^>]*>;reason=no-answer"))
    caller = call(pbx, "202", "201")
    finished(pbx, caller, alices_phone, carols_phone)
    assert "INVITE sip:203@" in carols_phone.messages()


def test_caller_id_name_comes_from_the_contacts(pbx):
    # The trunk presents outside callers with the outside-line prefix: 0 + 06 12 34 56 78.
    bobs_phone = phone(pbx, "202", ANSWER, check=header_check("From:", r'^ *"Marie Curie" <sip:00612345678@'))
    caller = call(pbx, "00612345678", "202")
    finished(pbx, caller, bobs_phone)


def test_subscriber_clicks_soft_call_on_a_contact_and_the_phone_rings(pbx, browser):
    bobs_phone = phone(pbx, "202", DECLINE, check=request_line_check(r"^INVITE sip:202@"))
    sign_in(browser, pbx.server.url, "bob", PASSWORD)
    open_page(browser, f"{pbx.server.url}/contacts/{pbx.contact_id}")
    assert pbx.contact_name in browser.find_element(By.TAG_NAME, "h1").text
    buttons = browser.find_elements(By.CSS_SELECTOR, "[data-testid=soft-call]")
    assert len(buttons) == 2
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=soft-call]")
    assert "your phone (202) rings first" in browser.find_element(By.CSS_SELECTOR, "[role=status], .alert").text
    screenshot(browser, "contact-soft-call")
    finished(pbx, bobs_phone)
