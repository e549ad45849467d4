"""Desk-phone directories: an administrator publishes a group on its page, copies the Yealink
address shown there and a "phone" (urllib with HTTP Basic) downloads the group's contacts."""
import base64
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree

from selenium.webdriver.common.by import By

from conftest import screenshot
from pages import click_and_wait, open_page, sign_in
from test_contacts import create_contact, flash

ADMIN_PASSWORD = "e2e-admin-password"
DIRECTORY_PASSWORD = "desk-phones-42"


def fetch(url, user, password):
    request = urllib.request.Request(url)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Content-Type"), response.read()


def test_publish_a_group_and_download_it_as_a_yealink_phone(server_factory, browser):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("contact-groups", "create", "Reception")
    server.cli("contact-groups", "create", "Management")
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)
    create_contact(browser, server, "Amélie", "Dupont", "01 23 45 67 89", "Reception")
    create_contact(browser, server, "Tom & Jerry", "<CEO>", "06 12 34 56 78", "Reception")
    create_contact(browser, server, "Victor", "Secret", "07 77 77 77 77", "Management")

    # The group's page: not published yet; publish it with a user name and a password.
    open_page(browser, server.url + "/admin/contact-groups")
    click_and_wait(browser, By.LINK_TEXT, "Reception")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=directory-off]").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=directory-enabled]").click()
    username = browser.find_element(By.ID, "directoryUsername")
    username.clear()
    username.send_keys("reception-phones")
    browser.find_element(By.ID, "directoryPassword").send_keys(DIRECTORY_PASSWORD)
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=save-directory]")
    assert flash(browser) == "Directory settings saved."
    assert browser.current_url.endswith("#directory")
    screenshot(browser, "group-directory-published")

    # Copy the Yealink address as shown, and fetch it as the phone would.
    yealink_url = browser.find_element(By.CSS_SELECTOR, "code[data-brand=Yealink]").text
    assert yealink_url.startswith(server.url + "/directory/") and yealink_url.endswith("/yealink.xml")
    content_type, body = fetch(yealink_url, "reception-phones", DIRECTORY_PASSWORD)
    assert content_type == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(body)
    assert root.tag == "YealinkIPPhoneDirectory"
    entries = [(entry.findtext("Name"), [t.text for t in entry.findall("Telephone")]) for entry in root]
    assert entries == [("Amélie Dupont", ["0123456789"]), ("Tom & Jerry <CEO>", ["0612345678"])]
    assert b"Victor" not in body and b"Secret" not in body

    # A wrong password gets nothing but a Basic challenge.
    try:
        fetch(yealink_url, "reception-phones", "not-the-password")
        raise AssertionError("a wrong password was accepted")
    except urllib.error.HTTPError as refused:
        assert refused.code == 401
        assert refused.headers.get("WWW-Authenticate", "").startswith("Basic ")

    # The audit log says who published it.
    open_page(browser, server.url + "/admin/audit")
    assert "Directory published" in browser.find_element(By.TAG_NAME, "main").text
