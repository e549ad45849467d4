"""CSV in Chromium: an admin imports a French Outlook file through upload → preview → import; a subscriber
exports a group after ticking the legal notice, and the downloaded file holds only what they may read."""
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ROOT, screenshot
from pages import click_and_wait, open_page, sign_in

ADMIN_PASSWORD = "e2e-admin-password"
SAM_PASSWORD = "sam-password-123"
OUTLOOK_FR = ROOT / "Tests" / "AppTests" / "Fixtures" / "outlook-fr-windows1252.csv"
SHIFT_JIS = ROOT / "Tests" / "SwitchboardCoreTests" / "Fixtures" / "csv" / "excel-ja-shift-jis.csv"


def listed_names(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name")]


def test_admin_imports_outlook_csv_and_subscriber_exports_a_group(server_factory, browser_factory):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("contact-groups", "create", "Clients")
    server.cli("contact-groups", "create", "Direction")
    server.create_user("sam", SAM_PASSWORD, extension="201")
    server.cli("contact-groups", "grant", "sam", "Clients", "--right", "read")
    with tempfile.TemporaryDirectory() as folder:
        secret = Path(folder) / "direction.csv"
        secret.write_text("display_name,phone.business\nSecret Person,+33 1 99 00 00 00\n", encoding="utf-8")
        report = server.cli("contacts", "import", str(secret), "--group", "Direction")
        assert "created 1" in report

    admin = browser_factory()
    sign_in(admin, server.url, "admin", ADMIN_PASSWORD)
    open_page(admin, server.url + "/contacts")
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=import-csv]")
    assert admin.find_element(By.TAG_NAME, "h1").text == "Import CSV"
    admin.find_element(By.ID, "file").send_keys(str(OUTLOOK_FR))
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=csv-upload-submit]")

    # The preview: the suggested template, the detected encoding and delimiter, the problem row; nothing written.
    assert admin.find_element(By.TAG_NAME, "h1").text == "Preview"
    assert "Outlook" in admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-suggested]").text
    assert Select(admin.find_element(By.ID, "template")).first_selected_option.text == "Outlook"
    assert Select(admin.find_element(By.ID, "encoding")).first_selected_option.get_attribute("value") == "windows-1252"
    assert Select(admin.find_element(By.ID, "delimiter")).first_selected_option.get_attribute("value") == ";"
    rows = admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-rows]").text
    assert "Émile Zola" in rows and "Société d’Études Fasquelle" in rows
    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-summary]").text == "3 rows, 1 with a problem."
    # The seed's "display the entries in the CSV file": the tables take the page's width (not a 520 px form column),
    # the file's own columns are shown, and the button counts the rows that will come in.
    main_width = admin.find_element(By.TAG_NAME, "main").size["width"]
    for table in ("csv-mapping", "csv-rows"):
        card = admin.find_element(By.CSS_SELECTOR, f"[data-testid={table}]").find_element(By.XPATH, "./..")
        assert card.size["width"] > 0.8 * main_width, (table, card.size, main_width)
    headers = [h.text.lower() for h in admin.find_elements(By.CSS_SELECTOR, "[data-testid=csv-rows] thead th")]
    assert "imported as" in headers and len(headers) > 6
    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-import-submit]").text == "Import the rows (2)"
    screenshot(admin, "csv-preview")
    admin.execute_script("arguments[0].scrollIntoView()", admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-rows]"))
    screenshot(admin, "csv-preview-rows")
    admin.find_element(By.CSS_SELECTOR, "input[data-group-name='Clients']").click()
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=csv-import-submit]")

    # The report, then the contacts.
    assert admin.find_element(By.TAG_NAME, "h1").text == "CSV import report"
    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-created]").text == "2"
    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-failed]").text == "1"
    failed = [r.text for r in admin.find_elements(By.CSS_SELECTOR, "[data-testid=csv-report-rows] tbody tr")]
    assert any(r.startswith("4 failed") for r in failed)
    screenshot(admin, "csv-report")
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=import-see-contacts]")
    names = listed_names(admin)
    assert "Émile Zola" in names and "Amélie Françoise Dupont" in names and "Secret Person" in names

    # Sam reads Clients only: he exports it after ticking the notice; the file is what he may read.
    sam = browser_factory()
    with tempfile.TemporaryDirectory() as downloads:
        sam.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        sign_in(sam, server.url, "sam", SAM_PASSWORD)
        open_page(sam, server.url + "/contacts")
        assert not sam.find_elements(By.CSS_SELECTOR, "[data-testid=import-csv]")
        click_and_wait(sam, By.CSS_SELECTOR, "[data-testid=export-csv]")
        assert "dealer or to the manufacturer" in sam.find_element(By.CSS_SELECTOR, "[data-testid=legal-notice]").text
        sam.find_element(By.CSS_SELECTOR, "[data-testid=scope-group]").click()
        Select(sam.find_element(By.CSS_SELECTOR, "[data-testid=export-group]")).select_by_visible_text("Clients")
        # Without the tick the browser does not send the form (and the server would refuse it).
        sam.find_element(By.CSS_SELECTOR, "[data-testid=csv-export-submit]").click()
        assert sam.find_element(By.TAG_NAME, "h1").text == "Export CSV"
        sam.find_element(By.CSS_SELECTOR, "[data-testid=export-confirm]").click()
        screenshot(sam, "csv-export")
        sam.find_element(By.CSS_SELECTOR, "[data-testid=csv-export-submit]").click()
        deadline = time.time() + 60  # a debug server on a loaded machine
        files = []
        while time.time() < deadline:
            files = [p for p in Path(downloads).iterdir() if p.suffix == ".csv"]
            if files:
                break
            time.sleep(0.2)
        assert [p.name for p in files] == ["Clients.csv"]
        data = files[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text.startswith("display_name;title;first_name;middle_name;last_name;suffix;")
    assert "Émile" in text and "Amélie" in text
    assert "Secret Person" not in text
    assert len([line for line in text.split("\r\n") if line]) == 3


def test_a_file_without_header_row_is_read_from_its_values(server_factory, browser_factory):
    """#18: a PBX directory source whose first line is already a contact; one cell no field can hold."""
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("contact-groups", "create", "Standard")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "directory.csv"
        source.write_text(
            "Dupont Jean;Acme;04 78 00 00 02;jean@dupont.example;blue\n"
            "Accueil;;201;;green\n"
            "Martin Zoé;Initech;+33 6 12 34 56 78 / 04 78 00 00 09;zoe@martin.example;\n"
            "Paula Pager;;pager;paula@localhost;\n",
            encoding="utf-8",
        )
        admin = browser_factory()
        sign_in(admin, server.url, "admin", ADMIN_PASSWORD)
        open_page(admin, server.url + "/contacts/import/csv")
        admin.find_element(By.ID, "file").send_keys(str(source))
        click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=csv-upload-submit]")

    assert "first line is already a contact" in admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-no-header]").text
    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-summary]").text == "4 rows, 0 with a problem."
    assert "5: blue" in admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-ignored]").text
    rows = admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-rows]").text
    assert "Dupont Jean" in rows and "TEL kept in the notes: pager" in rows
    screenshot(admin, "csv-preview-no-header")
    admin.find_element(By.CSS_SELECTOR, "input[data-group-name='Standard']").click()
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=csv-import-submit]")

    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-created]").text == "4"
    assert "5" in admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-report-ignored]").text
    screenshot(admin, "csv-report-no-header")
    open_page(admin, server.url + "/contacts?name=martin")
    click_and_wait(admin, By.LINK_TEXT, "Martin Zoé")
    page = admin.find_element(By.TAG_NAME, "main").text
    assert "+33 6 12 34 56 78" in page and "04 78 00 00 09" in page and "zoe@martin.example" in page


def test_a_shift_jis_file_is_read_in_its_set(server_factory, browser_factory):
    """#18: a file a Japanese Excel saved in Shift_JIS (no BOM, no label): the preview names the set it detected and
    shows the names as written; the import keeps them."""
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("contact-groups", "create", "Standard")
    admin = browser_factory()
    sign_in(admin, server.url, "admin", ADMIN_PASSWORD)
    open_page(admin, server.url + "/contacts/import/csv")
    admin.find_element(By.ID, "file").send_keys(str(SHIFT_JIS))
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=csv-upload-submit]")

    encoding = Select(admin.find_element(By.CSS_SELECTOR, "select[name=encoding]"))
    assert encoding.first_selected_option.get_attribute("value") == "shift_jis"
    rows = admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-rows]").text
    assert "山田" in rows and "株式会社サンプル表計算" in rows and "能登電機" in rows
    screenshot(admin, "csv-preview-shift-jis")
    admin.find_element(By.CSS_SELECTOR, "input[data-group-name='Standard']").click()
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=csv-import-submit]")

    assert admin.find_element(By.CSS_SELECTOR, "[data-testid=csv-created]").text == "3"
    open_page(admin, server.url + "/contacts?name=" + "山田")
    assert listed_names(admin) == ["太郎 山田"]
    click_and_wait(admin, By.LINK_TEXT, "太郎 山田")
    page = admin.find_element(By.TAG_NAME, "main").text
    assert "株式会社サンプル表計算" in page and "03-1234-5678" in page and "taro.yamada@example.jp" in page
