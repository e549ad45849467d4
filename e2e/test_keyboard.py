"""#19: every flow of the seed pages done with the keyboard alone — Tab to reach a control, Enter/Space/arrows/Escape to
use it, typing to fill it. No click, no script standing in for the user."""
import os

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from pages import TIMEOUT, page_change

PASSWORD = "keyboard-pass-1"


def focused(driver):
    return driver.switch_to.active_element


def keys(driver, *sequence):
    """Keys pressed on whatever has the focus (as a user does; a file input's send_keys would take a path)."""
    ActionChains(driver).send_keys(*sequence).perform()


def tab_to(driver, selector, limit=150):
    """Presses Tab until the focused element matches `selector`; fails when it is not reachable."""
    for _ in range(limit):
        if driver.execute_script("return document.activeElement.matches(arguments[0])", selector):
            return focused(driver)
        keys(driver, Keys.TAB)
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def press(driver, selector, key=Keys.ENTER):
    """Tabs to `selector` and presses `key` there, waiting for the page that follows."""
    tab_to(driver, selector)
    with page_change(driver):
        keys(driver, key)


def fresh_page(driver, url):
    driver.get(url)
    # Start from the top of the page, as a user arriving there does.
    driver.execute_script("document.activeElement && document.activeElement.blur()")


def test_the_seed_flows_with_the_keyboard_alone(server, browser):
    server.create_user("kim", PASSWORD, extension="270", role="admin")
    server.cli("contact-groups", "create", "Keys")
    contacts = os.path.join(server.dir, "keys.csv")
    with open(contacts, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.mobile\nNina;Nord;+33 6 12 34 56 78\nOscar;Ouest;+33 1 40 00 00 00\n")
    server.cli("contacts", "import", contacts, "--group", "Keys")
    browser.set_window_size(1366, 768)

    # Sign in: the user name has the focus; Tab to the password; Enter signs in.
    browser.get(server.url + "/sign-in")
    assert focused(browser).get_attribute("id") == "username"
    focused(browser).send_keys("kim")
    tab_to(browser, "#password").send_keys(PASSWORD)
    with page_change(browser):
        focused(browser).send_keys(Keys.ENTER)
    assert browser.current_url.endswith("/contacts")

    # Filter by one character typed into a filter field, then Enter.
    tab_to(browser, "input[name=name]").send_keys("o")
    with page_change(browser):
        focused(browser).send_keys(Keys.ENTER)
    assert "name=o" in browser.current_url
    # A letter tab, then "Without contact group", then "All": links reached by Tab, followed with Enter.
    press(browser, "nav.tabs a[href*='tab=N']")
    assert "tab=N" in browser.current_url
    assert [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name")] == [
        "Nina Nord"]
    press(browser, "[data-testid=tab-without-group]")
    assert "group=none" in browser.current_url
    press(browser, "[data-testid=tab-all]")

    # The row's buttons: QR code opens a dialog (Enter), Escape closes it and gives the focus back.
    qr = tab_to(browser, "tr[data-contact-row] [data-action=qr]")
    qr.send_keys(Keys.ENTER)
    dialog = browser.find_element(By.CSS_SELECTOR, "[data-testid=qr-dialog]")
    WebDriverWait(browser, TIMEOUT).until(lambda d: dialog.get_attribute("open") is not None)
    screenshot(browser, "keyboard-qr-dialog")
    focused(browser).send_keys(Keys.ESCAPE)
    WebDriverWait(browser, TIMEOUT).until(lambda d: dialog.get_attribute("open") is None)
    assert browser.execute_script("return document.activeElement.dataset.action") == "qr"
    # Soft call from the row: Enter on its button.
    press(browser, "tr[data-contact-row] [data-action=call]")
    assert "from 270 recorded" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    # View, then Edit from the row, and saving the form with Enter.
    press(browser, "tr[data-contact-row] [data-action=view]")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nina Nord"
    browser.back()
    press(browser, "tr[data-contact-row] [data-action=edit]")
    tab_to(browser, "input[name=jobTitle]").send_keys("Pilot")
    with page_change(browser):
        focused(browser).send_keys(Keys.ENTER)
    assert "Pilot" in browser.find_element(By.TAG_NAME, "main").text

    # Select a row with Space: the selection's actions come alive; Delete asks, then deletes.
    fresh_page(browser, server.url + "/contacts?name=ouest")
    delete = browser.find_element(By.CSS_SELECTOR, "[data-testid=delete-selected]")
    assert not delete.is_enabled()
    box = tab_to(browser, "tr[data-contact-row] input[type=checkbox]")
    keys(browser, Keys.SPACE)
    assert box.is_selected() and delete.is_enabled()
    # The browser's own question ("Delete 1 contact?"), answered with Enter: WebDriver's accept.
    tab_to(browser, "[data-testid=delete-selected]")
    keys(browser, Keys.ENTER)
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.switch_to.alert).accept()
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".flash"))
    fresh_page(browser, server.url + "/contacts")
    assert [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name")] == [
        "Nina Nord"]

    # New contact: the form filled and saved with the keyboard, the group chosen with Space.
    fresh_page(browser, server.url + "/contacts")
    press(browser, "[data-testid=new-contact]")
    tab_to(browser, "input[name=firstName]").send_keys("Paula")
    tab_to(browser, "input[name=lastName]").send_keys("Pic")
    tab_to(browser, "[data-testid=phone-number]").send_keys("04 78 00 00 05")
    group = tab_to(browser, "[data-testid=group-choices] input[type=checkbox]")
    if not group.is_selected():
        group.send_keys(Keys.SPACE)
    press(browser, "[data-testid=save-contact]")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Paula Pic"
    assert "04 78 00 00 05" in browser.find_element(By.TAG_NAME, "main").text

    # Settings: the profile saved with Enter; the theme chosen with the arrow keys (saved at once, no jump).
    fresh_page(browser, server.url + "/settings")
    department = tab_to(browser, "#department")
    department.send_keys("Accueil")
    press(browser, "[data-testid=save-profile]")
    assert browser.find_element(By.ID, "department").get_attribute("value") == "Accueil"
    theme = tab_to(browser, "input[name=theme]:checked")
    theme.send_keys(Keys.ARROW_DOWN)
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=preferences-status]").text.strip() != "")
    chosen = browser.find_element(By.CSS_SELECTOR, "input[name=theme]:checked").get_attribute("value")
    assert chosen != "system"
    assert browser.execute_script("return window.scrollY") > 0, "the page jumped to the top"
    # Forwarding: switched on with Space, the target chosen with the arrow keys, the number typed, saved with Enter.
    tab_to(browser, "input[id$='-enabled']")
    rule = focused(browser).get_attribute("id").removesuffix("-enabled")
    keys(browser, Keys.SPACE)
    assert browser.find_element(By.ID, f"{rule}-enabled").is_selected()
    tab_to(browser, f"input[name='{rule}.target']")
    keys(browser, Keys.ARROW_DOWN)
    assert browser.find_element(By.ID, f"{rule}-target-external").is_selected()
    tab_to(browser, f"#{rule}-number").send_keys("0612345678")
    press(browser, "[data-testid=save-forwarding]")
    summary = browser.find_element(By.CSS_SELECTOR, "[data-testid=forwarding-summary]").text
    assert "Every call goes straight to 06 12 34 56 78." in summary
    # Security: the password changed from the keyboard.
    tab_to(browser, "#currentPassword").send_keys(PASSWORD)
    tab_to(browser, "#newPassword").send_keys("keyboard-pass-2")
    tab_to(browser, "#passwordConfirmation").send_keys("keyboard-pass-2")
    press(browser, "[data-testid=change-password]")
    assert browser.find_element(By.CSS_SELECTOR, ".flash").text

    # Dialpad: digits typed, a name match reached by Tab and called with Enter; or the typed number with Enter.
    fresh_page(browser, server.url + "/dialpad")
    browser.find_element(By.TAG_NAME, "body").send_keys("6673")
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, "[data-testid=dialpad-matches] .match-name")]
        == ["Nina Nord"])
    press(browser, "[data-testid=match-call]")
    assert "Call to +33612345678 from 270 recorded." in browser.find_element(By.CSS_SELECTOR, ".flash").text
    browser.find_element(By.TAG_NAME, "body").send_keys("0612")
    with page_change(browser):
        browser.find_element(By.ID, "number").send_keys(Keys.ENTER)
    assert "Call to 0612 from 270 recorded." in browser.find_element(By.CSS_SELECTOR, ".flash").text

    # Export: the CSV export page reached from the list, its notice accepted with Space, the file asked for with
    # Enter (it downloads: the page stays, without an error).
    fresh_page(browser, server.url + "/contacts")
    press(browser, "[data-testid=export-csv]")
    assert "/contacts/export/csv" in browser.current_url
    tab_to(browser, "[data-testid=export-confirm]")
    keys(browser, Keys.SPACE)
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=export-confirm]").is_selected()
    tab_to(browser, "[data-testid=csv-export-submit]")
    keys(browser, Keys.ENTER)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=form-error]")
