"""Linked contact groups in Chromium: configure a CardDAV source on a real Radicale, Sync now (in the
background: the pages are reloaded until they show the result), the status on the groups page, a
stopped server, and the CLI sync."""
import base64
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import free_port, screenshot
from pages import click_and_wait, open_page, sign_in

ADMIN_PASSWORD = "e2e-admin-password"
USER, PASSWORD = "alice", "alice-secret-1"
RADICALE = "/usr/bin/radicale"


class Radicale:
    """Debian's Radicale on a free 127.0.0.1 port, plain htpasswd, temporary storage."""

    def __init__(self):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="radicale-e2e-"))
        (self.dir / "users").write_text(f"{USER}:{PASSWORD}\n")
        (self.dir / "config").write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n[auth]\ntype = htpasswd\n"
            f"htpasswd_filename = {self.dir}/users\nhtpasswd_encryption = plain\n"
            f"[storage]\nfilesystem_folder = {self.dir}/collections\n[rights]\ntype = owner_only\n"
        )
        self.process = subprocess.Popen(
            ["/usr/bin/python3", RADICALE, "--config", str(self.dir / "config")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.origin + "/.web/", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Radicale did not start")

    def request(self, method, path, body=None):
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            self.origin + path, data=body.encode() if body else None, method=method,
            headers={"Authorization": "Basic " + token, "Content-Type": "text/vcard"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def card(uid, name):
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nTEL:+33 1 23 45 67 89\r\nEND:VCARD\r\n"


@pytest.fixture
def radicale():
    instance = Radicale()
    yield instance
    instance.stop()


def flash(driver):
    return driver.find_element(By.CSS_SELECTOR, ".flash").text


def synchronised_row(driver, base_url, group, testid):
    """Reloads the groups page (as a user would) until the group's synchronisation has ended and the
    row shows its `sync-status` or `sync-problem`; returns that text."""
    deadline = time.time() + 90
    while True:
        open_page(driver, base_url + "/admin/contact-groups")
        row = driver.find_element(By.CSS_SELECTOR, f"tr[data-group='{group}']")
        running = row.find_elements(By.CSS_SELECTOR, "[data-testid=sync-running]")
        shown = row.find_elements(By.CSS_SELECTOR, f"[data-testid={testid}]")
        if not running and shown:
            return shown[0].text
        assert time.time() < deadline, f"no {testid} on the groups page after 90 s: {row.text}"
        time.sleep(0.5)


@pytest.mark.skipif(not Path(RADICALE).exists(), reason="radicale is installed by scripts/install-deps.sh test")
def test_configure_sync_now_and_status(server_factory, browser, radicale):
    radicale.request("PUT", f"/{USER}/book/", "".join(card(f"c{i}", f"Person {i:02d}") for i in range(30)))
    server = server_factory(
        {
            "SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "SWITCHBOARD_SECRET_KEY": "e2e-secret-key-0123456789",
            "SWITCHBOARD_SCHEDULED_SYNC": "off",
            # Radicale, the test's CardDAV server, listens on 127.0.0.1.
            "SWITCHBOARD_CARDDAV_ALLOW_PRIVATE": "true",
        }
    )
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)

    # A linked group, then its source: only the server's address (discovery finds the one book).
    open_page(browser, server.url + "/admin/contact-groups")
    browser.find_element(By.ID, "name").send_keys("Radicale")
    Select(browser.find_element(By.ID, "kind")).select_by_value("linked")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=create-group]")
    browser.find_element(By.ID, "serverURL").send_keys(radicale.origin)
    browser.find_element(By.ID, "username").send_keys(USER)
    browser.find_element(By.ID, "secret").send_keys(PASSWORD)
    interval = browser.find_element(By.ID, "intervalMinutes")
    interval.clear()
    interval.send_keys("15")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=save-source]")
    assert flash(browser) == "Address book settings saved."
    assert browser.find_element(By.ID, "serverURL").get_attribute("value") == radicale.origin
    # The password is never shown back, only that one is stored.
    secret = browser.find_element(By.ID, "secret")
    assert secret.get_attribute("value") == ""
    assert secret.get_attribute("placeholder") == "••••••••"
    assert PASSWORD not in browser.page_source

    # Sync now answers at once; the synchronisation runs in the background.
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=sync-now]")
    assert flash(browser) == "Synchronisation of “Radicale” started. The groups page shows its result when it ends."

    # The groups page shows the count and the last synchronisation once it has ended.
    status = synchronised_row(browser, server.url, "Radicale", "sync-status")
    assert "30 created, 0 updated, 0 deleted, 0 failed" in status
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-group='Radicale']")
    assert "30" in row.text
    assert row.find_elements(By.CSS_SELECTOR, "[data-testid=sync-now]")
    screenshot(browser, "linked-group-synced")

    # A change at the source, applied from the command line.
    radicale.request("PUT", f"/{USER}/book/c1.vcf", card("c1", "Renamed Person"))
    radicale.request("DELETE", f"/{USER}/book/c2.vcf")
    assert "0 created, 1 updated, 1 deleted, 0 failed" in server.cli("contact-groups", "sync", "Radicale")

    # The server goes away: Sync now (from the groups page, which it comes back to) ends in the
    # reason on the groups page, and the group keeps its contacts.
    radicale.stop()
    open_page(browser, server.url + "/admin/contact-groups")
    click_and_wait(browser, By.CSS_SELECTOR, "tr[data-group='Radicale'] [data-testid=sync-now]")
    assert browser.current_url == server.url + "/admin/contact-groups"
    assert flash(browser) == "Synchronisation of “Radicale” started. The groups page shows its result when it ends."
    problem = synchronised_row(browser, server.url, "Radicale", "sync-problem")
    assert "The CardDAV server could not be reached" in problem
    assert "The group was left as it was." in problem
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-group='Radicale']")
    assert "29" in row.text
    screenshot(browser, "linked-group-failed")
