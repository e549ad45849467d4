"""The foundation, as a person sees it in Chromium: sign-in, roles, language, theme."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot
from pages import (
    TIMEOUT,
    background_color,
    click_and_wait,
    html_attribute,
    nav_labels,
    open_page,
    page_change,
    sign_in,
    sign_out,
)

ADMIN_PASSWORD = "e2e-admin-password"


def test_first_start_prints_a_password_that_signs_in(server, browser):
    password = server.generated_admin_password()
    sign_in(browser, server.url, "admin", password)
    assert browser.current_url.endswith("/contacts")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=account-name]").text == "admin"
    assert nav_labels(browser) == ["Contacts", "Dialpad", "Settings", "Users", "Contact groups", "PBX tokens", "Audit log"]
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=scope-heading]").text == "All contacts"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=contacts-empty]").text == "No contacts here yet."
    screenshot(browser, "contacts-empty")


def test_wrong_password_gets_a_generic_message(server, browser):
    sign_in(browser, server.url, "admin", "not-the-password")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=sign-in-error]").text == "Wrong username or password."
    screenshot(browser, "sign-in-error")


def test_admin_creates_a_subscriber_who_cannot_reach_admin_pages(server_factory, browser_factory):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    admin = browser_factory()
    sign_in(admin, server.url, "admin", ADMIN_PASSWORD)
    click_and_wait(admin, By.LINK_TEXT, "Users")
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=new-user]")
    admin.find_element(By.ID, "username").send_keys("jeanne")
    admin.find_element(By.ID, "displayName").send_keys("Jeanne Dupré")
    Select(admin.find_element(By.ID, "role")).select_by_value("subscriber")
    admin.find_element(By.ID, "phoneExtension").send_keys("204")
    admin.find_element(By.ID, "password").send_keys("jeanne-password")
    admin.find_element(By.ID, "passwordConfirmation").send_keys("jeanne-password")
    screenshot(admin, "user-form")
    click_and_wait(admin, By.CSS_SELECTOR, "[data-testid=save-user]")
    assert "The user was created." in admin.find_element(By.CSS_SELECTOR, ".flash").text
    click_and_wait(admin, By.LINK_TEXT, "Users")
    assert "Jeanne Dupré" in admin.find_element(By.CSS_SELECTOR, "tr[data-username=jeanne]").text
    screenshot(admin, "users-list")

    subscriber = browser_factory(language="fr-FR")
    sign_in(subscriber, server.url, "jeanne", "jeanne-password")
    assert nav_labels(subscriber) == ["Contacts", "Pavé numérique", "Paramètres"]
    open_page(subscriber, server.url + "/admin/users")
    assert "Vous n’avez pas l’autorisation" in subscriber.find_element(By.CSS_SELECTOR, "[data-testid=error-page]").text
    screenshot(subscriber, "subscriber-forbidden-fr")


def test_language_and_theme_are_applied_and_remembered(server_factory, browser):
    server = server_factory({"SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD})
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)
    assert html_attribute(browser, "data-theme") == "system"
    light = background_color(browser)
    click_and_wait(browser, By.LINK_TEXT, "Settings")

    # With JavaScript, a change applies at once (the form submits itself).
    with page_change(browser):
        Select(browser.find_element(By.ID, "language")).select_by_value("fr")
    assert html_attribute(browser, "lang") == "fr"
    assert "Préférences enregistrées." in browser.find_element(By.CSS_SELECTOR, ".flash").text
    # Saving on change, the form has no Save button; a theme applies where the page is, without a reload or a jump.
    assert not browser.find_element(By.CSS_SELECTOR, "[data-testid=save-preferences]").is_displayed()
    theme = browser.find_element(By.CSS_SELECTOR, "input[name=theme][value=dark]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", theme)
    scrolled = browser.execute_script("return window.scrollY")
    browser.execute_script("window.__samePage = true")
    theme.click()
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=preferences-status]").text == "Préférences enregistrées.")
    assert html_attribute(browser, "data-theme") == "dark"
    assert browser.execute_script("return window.__samePage === true && window.scrollY") == scrolled
    dark = background_color(browser)
    assert dark != light
    screenshot(browser, "settings-dark-fr")

    sign_out(browser)
    sign_in(browser, server.url, "admin", ADMIN_PASSWORD)
    assert html_attribute(browser, "lang") == "fr"
    assert html_attribute(browser, "data-theme") == "dark"
    assert nav_labels(browser)[1] == "Pavé numérique"


def test_system_theme_follows_the_browser(server, browser_factory):
    dark_browser = browser_factory(color_scheme="dark")
    open_page(dark_browser, server.url + "/sign-in")
    assert html_attribute(dark_browser, "data-theme") == "system"
    assert dark_browser.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
    assert background_color(dark_browser) == "rgb(15, 20, 28)"
    screenshot(dark_browser, "sign-in-system-dark")


def test_sign_in_page_language_picker(server, browser):
    open_page(browser, server.url + "/sign-in")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=username]").text == "Username"
    click_and_wait(browser, By.LINK_TEXT, "Français")
    assert html_attribute(browser, "lang") == "fr"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=username]").text == "Nom d’utilisateur"
    screenshot(browser, "sign-in-fr")
