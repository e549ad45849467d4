"""Interchange in Chromium: import a file of many cards, read the report, then scan a contact's QR code."""
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, screenshot
from pages import TIMEOUT, click_and_wait, open_page, sign_in

ADMIN_PASSWORD = "e2e-admin-password"
MIXED = ROOT / "Tests" / "AppTests" / "Fixtures" / "mixed-address-book.vcf"


def listed_names(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name")]


def download(driver, url):
    """Fetches `url` with the browser's session cookie, as a click on a download link would."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Content-Type"), response.read()


def test_import_a_mixed_file_read_the_report_and_scan_a_qr_code(server_factory, browser):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("contact-groups", "create", "Imported")
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)

    # From the contacts list to the import page; upload the file into "Imported".
    open_page(browser, server.url + "/contacts")
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=import-vcard]")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Import vCard"
    browser.find_element(By.ID, "file").send_keys(str(MIXED))
    browser.find_element(By.CSS_SELECTOR, "input[data-group-name='Imported']").click()
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=import-submit]")

    # The report: five contacts, four problems with their lines, what went to the notes.
    assert browser.find_element(By.TAG_NAME, "h1").text == "Import report"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-created]").text == "5"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-refused]").text == "0"
    problems = browser.find_elements(By.CSS_SELECTOR, "[data-testid=import-problems-table] tbody tr")
    assert [row.find_element(By.TAG_NAME, "td").text for row in problems] == ["1", "46", "57", "58"]
    assert "The card has no END:VCARD" in problems[1].text
    notes = browser.find_element(By.CSS_SELECTOR, "[data-testid=import-notes-table]").text
    assert "URL kept in the notes: http://www.mueller-soehne.example" in notes
    assert "NICKNAME kept in the notes: Mimi" in notes
    screenshot(browser, "import-report")

    # The contacts are in the group, in name order.
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=import-see-contacts]")
    assert listed_names(browser) == [
        "Amélie Dupont",
        "Dr. Jürgen Müller",
        "Paul Martin",
        "Standard Reception",
        "Zoë Leclerc",
    ]

    # A contact's page shows its QR code (an SVG the CSP lets through) and offers the PNG.
    click_and_wait(browser, By.LINK_TEXT, "Amélie Dupont")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=qr-code]").click()
    image = browser.find_element(By.CSS_SELECTOR, "[data-testid=qr-image]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", image)
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)
    )
    assert image.size["width"] == 240
    screenshot(browser, "contact-qr-code")

    # A phone camera reads the PNG: zbarimg stands in for it.
    png_url = browser.find_element(By.CSS_SELECTOR, "[data-testid=qr-png]").get_attribute("href")
    content_type, png = download(browser, png_url)
    assert content_type == "image/png"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qr.png"
        path.write_bytes(png)
        scanned = subprocess.run(
            ["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    assert "FN:Amélie Dupont" in scanned
    assert "06 12 34 56 78" in scanned
