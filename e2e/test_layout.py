"""Layout at a laptop's 1366 px, in both languages: nothing the seed's pages put on one line wraps to two."""
import os

import pytest
from selenium.webdriver.common.by import By

from conftest import make_driver, screenshot
from pages import background_color, open_page, sign_in


def rows_of(driver, selector):
    """The distinct lines the visible elements matching `selector` sit on (their vertical middles, within 12 px)."""
    middles = []
    for element in driver.find_elements(By.CSS_SELECTOR, selector):
        if not element.is_displayed() or element.size["width"] == 0:
            continue
        middle = element.location["y"] + element.size["height"] / 2
        if all(abs(middle - other) > 12 for other in middles):
            middles.append(middle)
    return len(middles)


def seeded(server_factory, groups, count, domain):
    """A server with `groups`, `count` contacts in "Standard" (e-mails at `domain`) and uma, an admin with extension
    601."""
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": "layout-admin-password"})
    for name in groups + ["Standard"]:
        server.cli("contact-groups", "create", name)
    file = os.path.join(server.dir, "contacts.csv")
    with open(file, "w", encoding="utf-8") as handle:
        handle.write("first_name;last_name;phone.business;email.business;company;address.business.city\n")
        for i in range(count):
            handle.write(f"Jean{i};Dupont{i};+33 4 78 00 00 {i:02d};jean.dupont{i}@{domain};Société {i};Lyon\n")
    server.cli("contacts", "import", file, "--group", "Standard")
    server.create_user("uma", "uma-password-1", extension="601", role="admin")
    return server


@pytest.mark.parametrize("language", ["fr-FR", "en-US"])
def test_contacts_list_at_1366_keeps_its_lines(server_factory, language):
    groups = ["Annuaire commercial de la région Auvergne-Rhône-Alpes", "Direction générale"]
    server = seeded(server_factory, groups, 30, "exemple.fr")
    driver = make_driver(language=language)
    driver.set_window_size(1366, 768)
    try:
        sign_in(driver, server.url, "uma", "uma-password-1")
        open_page(driver, server.url + "/contacts")
        assert driver.execute_script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert rows_of(driver, "nav.nav a") == 1, "the main navigation wraps"
        assert rows_of(driver, ".page-header h1") == 1
        assert driver.find_element(By.CSS_SELECTOR, ".page-header h1").size["height"] < 60, "the heading wraps"
        assert rows_of(driver, ".header-actions .button") == 1, "the list's actions wrap"
        assert rows_of(driver, "nav.tabs a") == 1, "the tabs wrap"
        assert rows_of(driver, ".filters .filter") == 1, "the filters take two rows"
        assert rows_of(driver, ".selection-bar .button, .selection-bar select") == 1, "the selection bar wraps"
        driver.find_elements(By.CSS_SELECTOR, "tr[data-contact-row] input[type=checkbox]")[1].click()
        selection = ".selection-bar .button, .selection-bar select, .selection-count"
        assert rows_of(driver, selection) == 1, "the selection bar wraps once a row is selected"
        screenshot(driver, f"contacts-1366-{language[:2]}")
    finally:
        driver.quit()


@pytest.mark.parametrize("language", ["fr-FR", "en-US"])
def test_every_page_fits_a_phone(server_factory, language):
    """390 px wide (a phone): no page scrolls sideways; the list is cards, the dialpad and settings one column."""
    server = seeded(server_factory, [], 3, "exemple-long.fr")
    driver = make_driver(language=language)
    driver.set_window_size(390, 844)
    try:
        sign_in(driver, server.url, "uma", "uma-password-1")
        open_page(driver, server.url + "/contacts")
        contact = driver.find_element(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name").get_attribute("href")
        wide = {}
        for path in [
            "/contacts", contact, contact + "/edit", "/contacts/new", "/contacts/import", "/contacts/import/csv",
            "/dialpad", "/settings", "/admin/contact-groups", "/admin/users", "/admin/audit", "/admin/pbx-tokens",
        ]:
            open_page(driver, path if path.startswith("http") else server.url + path)
            # clientWidth: the width left beside the vertical scroll bar.
            width = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if width > 0:
                wide[path] = width
            name = path.rstrip("/").split("/")[-1] or "home"
            if path in ("/contacts", "/dialpad", "/settings"):
                screenshot(driver, f"phone-{name}-{language[:2]}")
        assert wide == {}, f"pages wider than the phone (px too wide): {wide}"
    finally:
        driver.quit()


@pytest.mark.parametrize("language", ["fr-FR", "en-US"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_screenshot_set(server_factory, language, scheme):
    """The set looked at by a person (e2e/artifacts/set-*.png): the seed's pages at a laptop's 1366×768 and a phone's
    390×844, in each language and theme; none scrolls sideways, and the theme followed is the system's."""
    server = seeded(server_factory, ["Direction générale"], 12, "exemple.fr")
    driver = make_driver(language=language, color_scheme=scheme)
    try:
        sign_in(driver, server.url, "uma", "uma-password-1")
        open_page(driver, server.url + "/contacts")
        contact = driver.find_element(By.CSS_SELECTOR, "tr[data-contact-row] .contact-name").get_attribute("href")
        pages = {"contacts": "/contacts", "contact": contact, "edit": contact + "/edit", "dialpad": "/dialpad?number=0478",
                 "settings": "/settings", "groups": "/admin/contact-groups", "import": "/contacts/import/csv"}
        for width, height in ((1366, 768), (390, 844)):
            driver.set_window_size(width, height)
            for name, path in pages.items():
                open_page(driver, path if path.startswith("http") else server.url + path)
                assert driver.execute_script(
                    "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"), name
                # The page follows the system's theme: a dark background in dark, a light one in light.
                assert driver.execute_script("return document.documentElement.dataset.theme") == "system"
                rgb = background_color(driver).split("(")[1].split(")")[0].split(",")[:3]
                assert (sum(int(part) for part in rgb) < 3 * 128) == (scheme == "dark"), background_color(driver)
                screenshot(driver, f"set-{name}-{width}-{language[:2]}-{scheme}")
    finally:
        driver.quit()
