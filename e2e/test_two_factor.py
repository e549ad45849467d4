"""Two-factor sign-in in a real browser (#16): set up from Settings by scanning the QR code (read back with zbarimg),
confirmed with the code an authenticator computes, recovery codes shown once, then signing in asks for the code."""

import base64
import hashlib
import hmac
import struct
import subprocess
import time
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By

from conftest import screenshot
from pages import click_and_wait, open_page, sign_in, sign_out


def totp(secret, offset=0):
    """What an authenticator app shows (RFC 6238: HMAC-SHA1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time() // 30) + offset), hashlib.sha1).digest()
    start = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[start:start + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def test_set_up_and_sign_in_with_a_code(server, browser, tmp_path):
    password = server.generated_admin_password()
    sign_in(browser, server.url, "admin", password)
    open_page(browser, server.url + "/settings")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=two-factor-link]")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=two-factor-start]")
    screenshot(browser, "two-factor-scan")

    # The QR code is what a phone camera reads: an otpauth URI with the key shown beside it.
    image = tmp_path / "qr.png"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=two-factor-qr]").screenshot(str(image))
    uri = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True).stdout.strip()
    assert uri.startswith("otpauth://totp/Switchboard%3Aadmin?"), uri
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    shown = browser.find_element(By.CSS_SELECTOR, "[data-testid=two-factor-secret]").text.replace(" ", "")
    assert shown == secret

    browser.find_element(By.ID, "code").send_keys(totp(secret))
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=two-factor-confirm]")
    codes = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10

    sign_out(browser)
    sign_in(browser, server.url, "admin", password)
    assert browser.current_url.endswith("/sign-in/code")
    screenshot(browser, "two-factor-sign-in")
    browser.find_element(By.ID, "code").send_keys("000000")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=sign-in-code]")
    assert "This code is not right" in browser.find_element(By.CSS_SELECTOR, "[data-testid=sign-in-error]").text
    browser.find_element(By.ID, "code").send_keys(codes[0])
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=sign-in-code]")
    assert browser.current_url.endswith("/contacts")
