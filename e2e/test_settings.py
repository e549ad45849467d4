"""My settings and the dialpad, as a person uses them in Chromium."""
import os
import struct
import zlib
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, screenshot
from pages import TIMEOUT, click_and_wait, open_page, page_change, sign_in

PASSWORD = "e2e-password-1"
JPEG_NAMED_PNG = ROOT / "Tests" / "AppTests" / "Fixtures" / "photo-jpeg-named.png"


def write_png(path: Path, width: int, height: int, color=(22, 163, 74)):
    raw = b"".join(b"\x00" + bytes(color) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def open_settings(driver, server):
    open_page(driver, server.url + "/settings")


def test_photo_png_accepted_jpeg_renamed_refused(server, browser, tmp_path):
    server.create_user("paula", PASSWORD, extension="220")
    sign_in(browser, server.url, "paula", PASSWORD)
    open_settings(browser, server)
    png = tmp_path / "paula.png"
    write_png(png, 160, 160)
    browser.find_element(By.ID, "photo").send_keys(str(png))
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=upload-photo]")
    assert "Your photo was saved." in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=header-avatar]").get_attribute("naturalWidth") == "160"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=profile-photo]").is_displayed()

    browser.find_element(By.ID, "photo").send_keys(str(JPEG_NAMED_PNG))
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=upload-photo]")
    error = browser.find_element(By.CSS_SELECTOR, "[data-testid=photo-error]").text
    assert error == "The photo must be a PNG image; this file is not one."
    screenshot(browser, "settings-photo-refused")
    # The first photo is still there.
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=header-avatar]").get_attribute("naturalWidth") == "160"


def test_profile_is_saved_and_unsaved_changes_are_not_lost_silently(server, browser):
    server.create_user("quentin", PASSWORD, extension="221")
    sign_in(browser, server.url, "quentin", PASSWORD)
    open_settings(browser, server)
    browser.find_element(By.ID, "department").send_keys("Support")
    browser.find_element(By.ID, "externalNumber").send_keys("+33 6 12 34 56 78")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=save-profile]")
    assert "Your profile was saved." in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert browser.find_element(By.ID, "externalNumber").get_attribute("value") == "+33612345678"

    leaving = "const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;"
    # Nothing typed since the save: leaving is free.
    assert browser.execute_script(leaving) is False
    # Typed but not saved: the page asks before leaving (Chrome shows its "Leave site?" dialog).
    browser.find_element(By.ID, "city").send_keys("Grenoble")
    assert browser.execute_script(leaving) is True


def set_rule(driver, kind, target, value=None, rings=None, enabled=True):
    checkbox = driver.find_element(By.ID, f"{kind}-enabled")
    if checkbox.is_selected() != enabled:
        checkbox.click()
    driver.find_element(By.ID, f"{kind}-target-{target}").click()
    if value is not None:
        field = driver.find_element(By.ID, f"{kind}-{'extension' if target == 'extension' else 'number'}")
        field.clear()
        field.send_keys(value)
    if rings is not None:
        Select(driver.find_element(By.ID, f"{kind}-rings")).select_by_value(str(rings))


def summary(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-testid=forwarding-summary]").text


def save_forwarding(driver):
    click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=save-forwarding]")


def test_each_forwarding_rule_and_its_summary(server, browser):
    server.create_user("romy", PASSWORD, extension="230")
    server.create_user("sacha", PASSWORD, extension="231")
    sign_in(browser, server.url, "romy", PASSWORD)
    open_settings(browser, server)
    assert "Calls from outside ring your phone until answered." in summary(browser)

    set_rule(browser, "external", "voicemail", rings=4)
    save_forwarding(browser)
    assert "Calls from outside ring 4 times (20 s), then go to your voicemail." in summary(browser)

    set_rule(browser, "internal", "extension", "231", rings=2)
    save_forwarding(browser)
    assert "Calls from colleagues ring 2 times (10 s), then go to extension 231." in summary(browser)
    assert "Calls from outside ring 4 times (20 s)" in summary(browser)

    set_rule(browser, "unconditional", "external", "06 12 34 56 78")
    save_forwarding(browser)
    assert summary(browser).strip().endswith("Every call goes straight to 06 12 34 56 78.")
    browser.execute_script("document.getElementById('forwarding').scrollIntoView()")
    screenshot(browser, "settings-forwarding")

    set_rule(browser, "unconditional", "extension", "230")
    save_forwarding(browser)
    assert (
        browser.find_element(By.CSS_SELECTOR, "[data-testid=unconditional-error]").text
        == "You cannot forward calls to your own extension."
    )


def test_forwarding_loop_across_users_is_named(server, browser_factory):
    server.create_user("tom", PASSWORD, extension="240")
    server.create_user("ugo", PASSWORD, extension="241")
    tom = browser_factory()
    sign_in(tom, server.url, "tom", PASSWORD)
    open_settings(tom, server)
    set_rule(tom, "unconditional", "extension", "241")
    save_forwarding(tom)
    ugo = browser_factory()
    sign_in(ugo, server.url, "ugo", PASSWORD)
    open_settings(ugo, server)
    set_rule(ugo, "internal", "extension", "240", rings=3)
    save_forwarding(ugo)
    error = ugo.find_element(By.CSS_SELECTOR, "[data-testid=forwarding-error]").text
    assert error == "This would send calls round in a loop: 241 → 240 → 241."


def test_password_change_signs_out_the_other_session(server, browser_factory):
    server.create_user("vivi", PASSWORD, extension="250")
    here = browser_factory()
    elsewhere = browser_factory()
    sign_in(here, server.url, "vivi", PASSWORD)
    sign_in(elsewhere, server.url, "vivi", PASSWORD)
    open_settings(here, server)
    here.find_element(By.ID, "currentPassword").send_keys(PASSWORD)
    here.find_element(By.ID, "newPassword").send_keys("vivi")
    here.find_element(By.ID, "passwordConfirmation").send_keys("vivi")
    click_and_wait(here, By.CSS_SELECTOR, "[data-testid=change-password]")
    assert "at least 10 characters" in here.find_element(By.ID, "newPassword-error").text

    here.find_element(By.ID, "currentPassword").send_keys(PASSWORD)
    here.find_element(By.ID, "newPassword").send_keys("a-much-better-one")
    here.find_element(By.ID, "passwordConfirmation").send_keys("a-much-better-one")
    click_and_wait(here, By.CSS_SELECTOR, "[data-testid=change-password]")
    assert "Your other sessions were signed out." in here.find_element(By.CSS_SELECTOR, ".flash").text

    open_page(elsewhere, server.url + "/settings")
    assert "/sign-in" in elsewhere.current_url
    open_page(here, server.url + "/settings")
    assert here.current_url.endswith("/settings")
    sign_in(elsewhere, server.url, "vivi", "a-much-better-one")
    assert elsewhere.current_url.endswith("/contacts")


def test_dial_with_the_keypad(server, browser):
    server.create_user("wanda", PASSWORD, extension="260", role="admin")
    server.cli("contact-groups", "create", "Dial")
    contacts = os.path.join(server.dir, "dial.csv")
    with open(contacts, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.mobile\nNina;Nord;+33 6 12 34 56 78\nOscar;Ouest;+33 1 40 00 00 00\n")
    server.cli("contacts", "import", contacts, "--group", "Dial")
    browser.set_window_size(1366, 768)
    sign_in(browser, server.url, "wanda", PASSWORD)
    click_and_wait(browser, By.LINK_TEXT, "Dialpad")
    assert "No telephone system is connected" in browser.find_element(By.CSS_SELECTOR, "[data-testid=no-pbx]").text
    # The whole pad fits a laptop's window, Call button included.
    call = browser.find_element(By.CSS_SELECTOR, "[data-testid=call]")
    assert call.location["y"] + call.size["height"] <= browser.execute_script("return window.innerHeight")
    number = browser.find_element(By.ID, "number")
    for key in "0612":
        browser.find_element(By.CSS_SELECTOR, f".key[data-key='{key}']").click()
    assert number.get_attribute("value") == "0612"
    # As digits are typed, the contacts whose numbers match appear, callable in one click.
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, "[data-testid=dialpad-matches] .match-name")]
        == ["Nina Nord"])
    browser.find_element(By.CSS_SELECTOR, "[data-key=backspace]").click()
    assert number.get_attribute("value") == "061"
    # Typing anywhere on the page feeds the keypad.
    browser.find_element(By.TAG_NAME, "h1").click()
    browser.find_element(By.TAG_NAME, "body").send_keys("2345678")
    assert number.get_attribute("value") == "0612345678"
    screenshot(browser, "dialpad")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=call]")
    flash = browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert flash == "Call to 0612345678 from 260 recorded. No telephone system is connected, so nothing rings."

    # A pasted, formatted number is cleaned to what a phone dials.
    number = browser.find_element(By.ID, "number")
    browser.execute_script(
        "const input = arguments[0]; input.value = '+33 (0)6 12-34'; input.dispatchEvent(new Event('input'));", number
    )
    assert number.get_attribute("value") == "+3361234"
    with page_change(browser):
        number.send_keys(Keys.ENTER)
    assert "Call to +3361234 from 260 recorded." in browser.find_element(By.CSS_SELECTOR, ".flash").text

    # A match is called in one click, and the pad is there again.
    browser.find_element(By.TAG_NAME, "body").send_keys("0140")
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, "[data-testid=dialpad-matches] .match-name")]
        == ["Oscar Ouest"])
    screenshot(browser, "dialpad-matches")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=match-call]")
    assert browser.current_url.endswith("/dialpad")
    assert "Call to +33140000000 from 260 recorded." in browser.find_element(By.CSS_SELECTOR, ".flash").text

    # Names through the letters on the keys: 6-8-3-7 is "Oues(t)", 6-6-7 "Nor(d)"; numbers shown grouped.
    browser.find_element(By.TAG_NAME, "body").send_keys("6837")
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, "[data-testid=dialpad-matches] .match-name")]
        == ["Oscar Ouest"])
    assert "+33 1 40 00 00 00" in browser.find_element(By.CSS_SELECTOR, "[data-testid=dialpad-matches]").text
    screenshot(browser, "dialpad-name-matches")
    for _ in range(4):
        browser.find_element(By.CSS_SELECTOR, "[data-key=backspace]").click()
    browser.find_element(By.TAG_NAME, "body").send_keys("667")
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, "[data-testid=dialpad-matches] .match-name")]
        == ["Nina Nord"])
