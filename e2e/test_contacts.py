"""Address books in Chromium: rights as a subscriber lives them, multi-selection, assignment."""
import json
import os
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot
from pages import TIMEOUT, click_and_wait, open_page, page_change, sign_in

ADMIN_PASSWORD = "e2e-admin-password"
SID_PASSWORD = "sid-password-1"


def flash(driver):
    return driver.find_element(By.CSS_SELECTOR, ".flash").text


def listed_names(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name")]


def side_groups(driver):
    return [link.get_attribute("data-group-name") for link in driver.find_elements(By.CSS_SELECTOR, "[data-group-name]")]


def create_group(driver, server, name):
    open_page(driver, server.url + "/admin/contact-groups")
    driver.find_element(By.ID, "name").send_keys(name)
    click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=create-group]")
    assert f"Group “{name}” created." in flash(driver)


def give_right(driver, server, group, username, right, standard=False):
    open_page(driver, server.url + "/admin/contact-groups")
    click_and_wait(driver, By.LINK_TEXT, group)
    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-user='{username}']")
    row.find_element(By.CSS_SELECTOR, f"[data-right='{right}']").click()
    if standard:
        row.find_element(By.CSS_SELECTOR, "[data-standard]").click()
    click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=save-rights]")
    assert flash(driver) == "Rights saved."


def create_contact(driver, server, first, last, number, group):
    open_page(driver, server.url + "/contacts/new")
    driver.find_element(By.ID, "firstName").send_keys(first)
    driver.find_element(By.ID, "lastName").send_keys(last)
    driver.find_elements(By.CSS_SELECTOR, "[data-testid=phone-number]")[0].send_keys(number)
    box = driver.find_element(By.CSS_SELECTOR, f"input[data-group-name='{group}']")
    # The form's Save bar stays at the bottom of the window: bring the box above it, as a person scrolls.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=save-contact]")
    assert flash(driver) == "Contact created."


def api(server, token, path):
    request = urllib.request.Request(server.url + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_subscriber_sees_a_and_b_edits_only_b_and_never_sees_c(server_factory, browser_factory):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.create_user("sid", SID_PASSWORD, extension="301")
    admin = browser_factory()
    sign_in(admin, server.url, "admin", ADMIN_PASSWORD)
    for name in ("Group A", "Group B", "Group C"):
        create_group(admin, server, name)
    give_right(admin, server, "Group A", "sid", "read")
    give_right(admin, server, "Group B", "sid", "write", standard=True)
    screenshot(admin, "rights-matrix")
    create_contact(admin, server, "Anne", "Alpha", "+33 1 11 11 11 11", "Group A")
    create_contact(admin, server, "Bert", "Beta", "+49 151 2222222", "Group B")
    create_contact(admin, server, "Cleo", "Gamma", "+44 20 3333 3333", "Group C")
    open_page(admin, server.url + "/contacts")
    assert listed_names(admin) == ["Anne Alpha", "Bert Beta", "Cleo Gamma"]

    sid = browser_factory()
    sign_in(sid, server.url, "sid", SID_PASSWORD)
    assert sid.current_url.endswith("/contacts")
    assert listed_names(sid) == ["Anne Alpha", "Bert Beta"]
    assert side_groups(sid) == ["Group A", "Group B"]
    assert "Cleo" not in sid.page_source and "Group C" not in sid.page_source
    screenshot(sid, "subscriber-contacts")

    # Filtering for C's contact by name, as you type: nothing, and no hint that it exists.
    sid.find_element(By.ID, "filter-name").send_keys("cle")
    WebDriverWait(sid, TIMEOUT).until(lambda d: "name=cle" in d.current_url)
    WebDriverWait(sid, TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=contacts-empty]"))
    assert listed_names(sid) == []
    assert sid.find_element(By.CSS_SELECTOR, "[data-testid=contacts-empty]").text == "No contact matches."
    sid.find_element(By.ID, "filter-name").clear()
    sid.find_element(By.ID, "filter-name").send_keys("e")
    WebDriverWait(sid, TIMEOUT).until(lambda d: listed_names(d) == ["Anne Alpha", "Bert Beta"])

    # A: read only.
    click_and_wait(sid, By.LINK_TEXT, "Anne Alpha")
    assert not sid.find_elements(By.CSS_SELECTOR, "[data-testid=edit-contact]")
    assert not sid.find_elements(By.CSS_SELECTOR, "[data-testid=delete-contact]")
    assert "none of its groups gives you write right" in sid.find_element(
        By.CSS_SELECTOR, "[data-testid=read-only-reason]"
    ).text
    anne_url = sid.current_url

    # B: edit, then delete.
    open_page(sid, server.url + "/contacts")
    click_and_wait(sid, By.LINK_TEXT, "Bert Beta")
    click_and_wait(sid, By.CSS_SELECTOR, "[data-testid=edit-contact]")
    first = sid.find_element(By.ID, "firstName")
    first.clear()
    first.send_keys("Bertha")
    click_and_wait(sid, By.CSS_SELECTOR, "[data-testid=save-contact]")
    assert sid.find_element(By.CSS_SELECTOR, "[data-testid=contact-name]").text == "Bertha Beta"
    sid.find_element(By.CSS_SELECTOR, "input[name=confirm]").click()
    with page_change(sid):
        sid.find_element(By.CSS_SELECTOR, "[data-testid=delete-contact]").click()
        assert sid.switch_to.alert.text == "Delete “Bertha Beta”? This cannot be undone."
        sid.switch_to.alert.accept()
    assert flash(sid) == "Contact deleted."
    assert listed_names(sid) == ["Anne Alpha"]

    # Only A is left, which sid cannot delete: the list offers no deletion.
    assert not sid.find_elements(By.CSS_SELECTOR, "[data-testid=delete-selected]")

    # C by address: not found, and the page does not name it.
    open_page(admin, server.url + "/contacts?name=cleo")
    cleo_url = admin.find_element(By.LINK_TEXT, "Cleo Gamma").get_attribute("href")
    open_page(sid, cleo_url)
    assert "Cleo" not in sid.page_source
    assert sid.find_element(By.CSS_SELECTOR, "h1").text == "Page not found"

    # The same through the API, with a personal token made on the settings page.
    open_page(sid, server.url + "/settings#tokens")
    sid.find_element(By.ID, "token-name").send_keys("e2e")
    click_and_wait(sid, By.CSS_SELECTOR, "#tokens button[type=submit]")
    token = sid.find_element(By.CSS_SELECTOR, "[data-testid=token-secret]").text
    status, body = api(server, token, "/api/v1/contacts")
    assert status == 200
    assert [item["displayName"] for item in body["items"]] == ["Anne Alpha"]
    status, body = api(server, token, "/api/v1/contacts?" + urllib.parse.urlencode({"name": "cleo"}))
    assert status == 200 and body["items"] == []
    cleo_id = cleo_url.rsplit("/", 1)[1]
    status, body = api(server, token, f"/api/v1/contacts/{cleo_id}")
    assert status == 404 and "Cleo" not in json.dumps(body)
    anne_id = anne_url.rsplit("/", 1)[1]
    status, body = api(server, token, f"/api/v1/contacts/{anne_id}")
    assert status == 200 and body["editable"] is False


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "tr[data-contact-row]")


def selected_names(driver):
    return [row.get_attribute("data-name") for row in rows(driver) if "selected" in row.get_attribute("class")]


def test_shift_click_and_ctrl_click_select_and_delete_after_confirmation(server_factory, browser):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("dev", "seed", "--contacts", "30", "--groups", "3")
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)
    names = [row.get_attribute("data-name") for row in rows(browser)]
    assert len(names) == 30

    # Click selects one; Shift-click extends to a range; Ctrl-click toggles one out.
    rows(browser)[1].find_element(By.CSS_SELECTOR, "td:nth-child(3)").click()
    assert selected_names(browser) == [names[1]]
    ActionChains(browser).key_down(Keys.SHIFT).click(rows(browser)[4].find_element(By.CSS_SELECTOR, "td:nth-child(6)")).key_up(Keys.SHIFT).perform()
    assert selected_names(browser) == names[1:5]
    ActionChains(browser).key_down(Keys.CONTROL).click(rows(browser)[2].find_element(By.CSS_SELECTOR, "td:nth-child(3)")).key_up(Keys.CONTROL).perform()
    assert selected_names(browser) == [names[1], names[3], names[4]]
    # Keyboard: Space on a focused checkbox toggles it; Shift+Space selects up to it.
    box = rows(browser)[7].find_element(By.CSS_SELECTOR, "input[type=checkbox]")
    box.send_keys(Keys.SPACE)
    assert selected_names(browser) == [names[1], names[3], names[4], names[7]]
    rows(browser)[9].find_element(By.CSS_SELECTOR, "input[type=checkbox]").send_keys(Keys.SHIFT, Keys.SPACE)
    assert selected_names(browser) == [names[1], names[3], names[4], names[7], names[8], names[9]]
    assert browser.find_element(By.CSS_SELECTOR, "[data-selection-count]").text == "6 selected"
    screenshot(browser, "multi-select")

    # The confirmation names how many; cancelling deletes nothing.
    browser.find_element(By.CSS_SELECTOR, "[data-testid=delete-selected]").click()
    alert = browser.switch_to.alert
    assert alert.text == "Delete 6 contact(s)? This cannot be undone."
    alert.dismiss()
    open_page(browser, server.url + "/contacts")
    assert [row.get_attribute("data-name") for row in rows(browser)] == names

    rows(browser)[0].find_element(By.CSS_SELECTOR, "td:nth-child(3)").click()
    ActionChains(browser).key_down(Keys.SHIFT).click(rows(browser)[2].find_element(By.CSS_SELECTOR, "td:nth-child(3)")).key_up(Keys.SHIFT).perform()
    with page_change(browser):
        browser.find_element(By.CSS_SELECTOR, "[data-testid=delete-selected]").click()
        assert browser.switch_to.alert.text == "Delete 3 contact(s)? This cannot be undone."
        browser.switch_to.alert.accept()
    assert flash(browser) == "3 contact(s) deleted."
    assert [row.get_attribute("data-name") for row in rows(browser)] == names[3:]


def test_drag_selection_onto_a_group_and_assignment_menu(server_factory, browser):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.cli("dev", "seed", "--contacts", "12", "--groups", "2")
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)
    create_group(browser, server, "Favourites")
    open_page(browser, server.url + "/contacts")
    names = [row.get_attribute("data-name") for row in rows(browser)]
    rows(browser)[0].find_element(By.CSS_SELECTOR, "td:nth-child(3)").click()
    ActionChains(browser).key_down(Keys.SHIFT).click(rows(browser)[2].find_element(By.CSS_SELECTOR, "td:nth-child(3)")).key_up(Keys.SHIFT).perform()
    # HTML5 drag and drop, with the browser's own DataTransfer (ChromeDriver cannot drive native drags).
    with page_change(browser):
        browser.execute_script(
            """
            const row = arguments[0], target = arguments[1];
            const data = new DataTransfer();
            row.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: data}));
            target.dispatchEvent(new DragEvent("dragenter", {bubbles: true, cancelable: true, dataTransfer: data}));
            target.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: data}));
            target.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: data}));
            """,
            rows(browser)[1],
            browser.find_element(By.CSS_SELECTOR, "[data-group-name='Favourites']"),
        )
    assert flash(browser) == "3 contact(s) added to “Favourites”."
    click_and_wait(browser, By.CSS_SELECTOR, "[data-group-name='Favourites']")
    assert listed_names(browser) == names[:3]
    counts = {
        link.get_attribute("data-group-name"): link.find_element(By.CSS_SELECTOR, "[data-testid=group-count]").text
        for link in browser.find_elements(By.CSS_SELECTOR, "[data-group-name]")
    }
    assert counts["Favourites"] == "3"

    # The menu on the selection removes them again.
    rows(browser)[0].find_element(By.CSS_SELECTOR, "td:nth-child(3)").click()
    assert Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=selection-group]")).first_selected_option.text == "Favourites"
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=remove-from-group]")
    assert flash(browser) == "1 contact(s) removed from “Favourites”."
    assert listed_names(browser) == names[1:3]
    # Deleting is offered in All contacts only.
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=delete-selected]")


def current_tabs(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "nav.tabs a[aria-current=page]")]


def test_numbers_found_as_people_say_them_and_tabs_are_one_choice(server_factory, browser):
    """Seed: "filter by entering at least one character or digit"; tabs "All / Without contact group / letter"."""
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)
    create_group(browser, server, "Lyon")
    create_contact(browser, server, "Bea", "Bernard", "+33 4 78 00 00 02", "Lyon")
    create_contact(browser, server, "Bob", "Brun", "04 78 00 00 03", "Lyon")
    create_contact(browser, server, "Nils", "Berg", "+47 80 00 00 04", "Lyon")

    # Typed the way people say a number: national, international, with the (0); as you type.
    open_page(browser, server.url + "/contacts")
    number = browser.find_element(By.ID, "filter-number")
    for typed in ["04 78", "0033 4 78", "+33 (0)4 78"]:
        number.clear()
        number.send_keys(typed)
        WebDriverWait(browser, TIMEOUT).until(lambda d: listed_names(d) == ["Bea Bernard", "Bob Brun"])
    number.clear()
    number.send_keys("+47 80")
    WebDriverWait(browser, TIMEOUT).until(lambda d: listed_names(d) == ["Nils Berg"])
    screenshot(browser, "number-filter-international")

    # One contact in no group; the tab row is one choice.
    imported = server.cli("contacts", "import", write_csv(server, "Zoe;Zeller;+33 1 11 11 11 11"))
    assert "created 1" in imported
    open_page(browser, server.url + "/contacts?tab=B")
    assert current_tabs(browser) == ["B"]
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=tab-without-group]")
    assert current_tabs(browser) == [browser.find_element(By.CSS_SELECTOR, "[data-testid=tab-without-group]").text]
    assert listed_names(browser) == ["Zoe Zeller"]
    click_and_wait(browser, By.CSS_SELECTOR, "nav.tabs a[data-tab=B]")
    assert current_tabs(browser) == ["B"]
    assert listed_names(browser) == ["Bea Bernard", "Bob Brun"]
    click_and_wait(browser, By.CSS_SELECTOR, "[data-testid=tab-all]")
    assert current_tabs(browser) == ["All"]
    assert len(listed_names(browser)) == 4


def write_csv(server, row):
    """A CSV file in Switchboard's format holding `row`, in the server's folder."""
    file = os.path.join(server.dir, "one.csv")
    with open(file, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.business\n" + row + "\n")
    return file


def test_each_row_views_edits_shows_qr_downloads_and_calls(server_factory, browser):
    """Seed: "Buttons for each contact for: View, Editing, QR code, vCard 2.1, Soft Call"."""
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    server.create_user("uma", SID_PASSWORD, extension="601", role="admin")
    sign_in(browser, server.url, "uma", SID_PASSWORD)
    # The new-group form shows DECT limits for a DECT group only.
    open_page(browser, server.url + "/admin/contact-groups")
    limits = browser.find_element(By.CSS_SELECTOR, "[data-testid=dect-limits]")
    assert not limits.is_displayed()
    Select(browser.find_element(By.ID, "kind")).select_by_value("dect")
    assert limits.is_displayed()
    create_group(browser, server, "Lyon")
    create_contact(browser, server, "Bea", "Bernard", "+33 4 78 00 00 02", "Lyon")
    open_page(browser, server.url + "/contacts")
    row = rows(browser)[0]
    actions = [b.get_attribute("data-action") for b in row.find_elements(By.CSS_SELECTOR, "[data-action]")]
    assert actions == ["view", "edit", "qr", "vcard", "call"]

    # The selection bar acts on a selection: off with none, on once a row is selected.
    bar = ["add-to-group", "remove-from-group", "export-selected-vcard", "delete-selected"]
    assert all(not browser.find_element(By.CSS_SELECTOR, f"[data-testid={b}]").is_enabled() for b in bar)
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    assert all(browser.find_element(By.CSS_SELECTOR, f"[data-testid={b}]").is_enabled() for b in bar)
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()

    # The label shows on keyboard focus; every button is reachable with Tab from the row's checkbox.
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("data-action") is None  # the name link comes first
    for expected in actions:
        browser.switch_to.active_element.send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
        assert focused.get_attribute("data-action") == expected
        label = focused.find_element(By.CSS_SELECTOR, ".icon-label")
        WebDriverWait(browser, TIMEOUT).until(lambda d: label.value_of_css_property("opacity") == "1")
    screenshot(browser, "contacts-row-actions")

    # QR code: a dialog over the list; closed, the list is still there.
    row.find_element(By.CSS_SELECTOR, "[data-action=qr]").click()
    dialog = browser.find_element(By.CSS_SELECTOR, "[data-testid=qr-dialog]")
    WebDriverWait(browser, TIMEOUT).until(lambda d: dialog.is_displayed())
    assert dialog.find_element(By.TAG_NAME, "h2").text == "QR code of Bea Bernard"
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: d.execute_script("return arguments[0].naturalWidth", dialog.find_element(By.TAG_NAME, "img")) > 0)
    screenshot(browser, "contacts-row-qr-dialog")
    dialog.find_element(By.CSS_SELECTOR, "[data-testid=qr-dialog-close]").click()
    WebDriverWait(browser, TIMEOUT).until(lambda d: not dialog.is_displayed())

    # vCard 2.1, as the browser would download it.
    href = row.find_element(By.CSS_SELECTOR, "[data-action=vcard]").get_attribute("href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookie}), timeout=10) as response:
        assert response.read().decode().startswith("BEGIN:VCARD\r\nVERSION:2.1\r\n")

    # Soft call: from the list, back to the list with the answer.
    click_and_wait(browser, By.CSS_SELECTOR, "tr[data-contact-row] [data-action=call]")
    assert browser.current_url.endswith("/contacts")
    assert "Call to +33478000002 from 601" in flash(browser)
    assert listed_names(browser) == ["Bea Bernard"]

    # View and Edit open the contact's pages.
    click_and_wait(browser, By.CSS_SELECTOR, "tr[data-contact-row] [data-action=edit]")
    assert browser.current_url.endswith("/edit")
