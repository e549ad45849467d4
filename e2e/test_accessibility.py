"""Accessibility: axe-core (the engine browsers' accessibility tools use; PyPI `axe-core-python` bundles it) on every
page a person opens, in English and French, light and dark: no critical, serious or moderate violation."""
import os
import re

import pytest
from axe_core_python.selenium import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, make_driver
from pages import TIMEOUT, click_and_wait, open_page, sign_in

ADMIN_PASSWORD = "e2e-admin-password"
OUTLOOK_FR = ROOT / "Tests" / "AppTests" / "Fixtures" / "outlook-fr-windows1252.csv"
# The issue asks for no critical or serious violation; moderate ones are held to as well (there are none today).
BLOCKING = set(os.environ.get("AXE_IMPACTS", "critical,serious,moderate").split(","))


def violations(driver):
    """The page's critical and serious violations, each as `rule: target` lines a person can act on."""
    results = Axe().run(driver)
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


def page_urls(server, driver):
    """Every page of the portal an administrator with an extension opens, with what it needs to exist."""
    server.cli("contact-groups", "create", "Lyon")
    open_page(driver, server.url + "/contacts/new")
    driver.find_element(By.ID, "firstName").send_keys("Bea")
    driver.find_element(By.ID, "lastName").send_keys("Bernard")
    driver.find_elements(By.CSS_SELECTOR, "[data-testid=phone-number]")[0].send_keys("+33 4 78 00 00 02")
    box = driver.find_element(By.CSS_SELECTOR, "input[data-group-name='Lyon']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=save-contact]")
    contact = re.sub(r"[?#].*$", "", driver.current_url)
    open_page(driver, server.url + "/admin/contact-groups")
    click_and_wait(driver, By.LINK_TEXT, "Lyon")
    group = driver.current_url
    open_page(driver, server.url + "/admin/users")
    user = next(
        link.get_attribute("href")
        for link in driver.find_elements(By.CSS_SELECTOR, "main a[href*='/admin/users/']")
        if "/new" not in link.get_attribute("href")
    )
    return [
        "/contacts", "/contacts?tab=B", "/contacts?name=zzz", contact, contact + "/edit", "/contacts/new",
        "/contacts/import", "/contacts/import/csv", "/contacts/export/csv", "/dialpad", "/settings",
        "/admin/contact-groups", group, "/admin/users", "/admin/users/new", user, "/admin/audit",
        "/admin/pbx-tokens", "/admin/two-factor",
    ]


@pytest.mark.parametrize(
    "language,scheme", [("en-US", "light"), ("fr-FR", "dark"), ("fr-FR", "light"), ("en-US", "dark")]
)
def test_every_page_has_no_serious_accessibility_violation(server_factory, language, scheme):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.create_user("uma", "uma-password-1", extension="601", role="admin")
    driver = make_driver(language=language, color_scheme=scheme)
    try:
        open_page(driver, server.url + "/sign-in")
        report = {"/sign-in": violations(driver)}
        sign_in(driver, server.url, "uma", "uma-password-1")
        for path in page_urls(server, driver):
            open_page(driver, path if path.startswith("http") else server.url + path)
            report[path] = violations(driver)
        # The list's QR code dialog, open.
        open_page(driver, server.url + "/contacts")
        driver.find_element(By.CSS_SELECTOR, "tr[data-contact-row] [data-action=qr]").click()
        WebDriverWait(driver, TIMEOUT).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=qr-dialog]").is_displayed())
        report["QR code dialog"] = violations(driver)
        # The CSV preview, with a real file in it.
        open_page(driver, server.url + "/contacts/import/csv")
        driver.find_element(By.ID, "file").send_keys(str(OUTLOOK_FR))
        click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=csv-upload-submit]")
        report["csv preview"] = violations(driver)
        failing = {page: found for page, found in report.items() if found}
        assert failing == {}, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in failing.items())
        assert len(report) >= 20
    finally:
        driver.quit()
