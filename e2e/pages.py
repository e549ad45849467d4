"""What a person does on the pages, in a few verbs. Every action that loads a new page waits
for the old one to go, so the next check reads the new page (a loaded machine is slow)."""
from contextlib import contextmanager

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20


@contextmanager
def page_change(driver):
    """Wraps an action that navigates: returns once the next page has replaced this one. The old
    document carries a mark; a new document has none. Errors while the browser is between two
    documents (stale or vanished nodes) only mean "not yet"."""
    driver.execute_script("window.__switchboardOldPage = true")
    yield

    def new_page_loaded(d):
        try:
            return d.execute_script(
                "return window.__switchboardOldPage === undefined && document.readyState === 'complete'"
            )
        except WebDriverException:
            return False

    WebDriverWait(driver, TIMEOUT).until(new_page_loaded)


def click_and_wait(driver, by, selector):
    with page_change(driver):
        driver.find_element(by, selector).click()


def open_page(driver, url):
    driver.get(url)
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver, base_url, username, password):
    open_page(driver, base_url + "/sign-in")
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, By.CSS_SELECTOR, "form.form button[type=submit]")


def sign_out(driver):
    click_and_wait(driver, By.CSS_SELECTOR, "[data-testid=sign-out]")


def html_attribute(driver, name):
    return driver.find_element(By.TAG_NAME, "html").get_attribute(name)


def background_color(driver):
    return driver.execute_script("return getComputedStyle(document.body).backgroundColor")


def nav_labels(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "nav.nav a")]
