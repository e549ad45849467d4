"""What a person does on the pages, in a few verbs. Every action that loads a new page waits
for the old one to go, so the next check reads the new page (a loaded machine is slow)."""
from contextlib import contextmanager

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20


@contextmanager
def page_change(driver):
    """Wraps an action that navigates: returns once the next page has replaced this one."""
    old = driver.find_element(By.TAG_NAME, "html")
    yield
    WebDriverWait(driver, TIMEOUT).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script("return document.readyState") == "complete")


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
