"""What a person does on the pages, in a few verbs."""
from selenium.webdriver.common.by import By


def sign_in(driver, base_url, username, password):
    driver.get(base_url + "/sign-in")
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "[data-testid=sign-out]").click()


def html_attribute(driver, name):
    return driver.find_element(By.TAG_NAME, "html").get_attribute(name)


def background_color(driver):
    return driver.execute_script("return getComputedStyle(document.body).backgroundColor")


def nav_labels(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "nav.nav a")]
