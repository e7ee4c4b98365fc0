"""The settings page in a real headless browser (Debian's chromium and chromium-driver):
opened with init data the stand-in signed, settings changed by clicking, the changes
seen in the database and in the bot's replies. Skipped, saying why, without them
(`apt-get install chromium chromium-driver`; `.ci/run` installs them).

With LIVEBLOG_SCREENSHOTS=DIR the page is photographed in Telegram's light and dark
themes into DIR (the README's pictures come from there)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.world import World, world
from tests.helpers import messages

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)

ANNA = 4401
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999",
         "button_color": "#3390ec", "button_text_color": "#ffffff",
         "secondary_bg_color": "#f1f1f1"}  # fmt: skip
DARK = {"bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa",
        "button_color": "#8774e1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#181818"}  # fmt: skip


@pytest.fixture
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=420,1100", "--no-first-run", "--disable-extensions"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(
        tmp_path, metrics_listen="127.0.0.1:0", webapp_url="https://bot.example.org/app"
    ) as it:
        yield it


async def in_browser(work: Callable[[], Any]) -> Any:
    """Selenium blocks: it runs in a thread while the bot answers on the loop."""
    return await asyncio.to_thread(work)


def wait(driver: Any, condition: Callable[[Any], Any], what: str) -> Any:
    try:
        return WebDriverWait(driver, 20).until(condition)
    except TimeoutException:
        status = driver.find_element(By.ID, "status").text
        raise AssertionError(f"{what}: not seen (page status: {status!r})") from None


def saved(driver: Any) -> None:
    """Each change ends with the page saying so (or naming the error)."""
    wait(driver, lambda d: d.find_element(By.ID, "status").text, "an answer to the change")
    status = driver.find_element(By.ID, "status")
    assert "error" not in (status.get_attribute("class") or ""), status.text
    driver.execute_script("document.getElementById('status').textContent = ''")


def click(driver: Any, selector: str) -> None:
    driver.find_element(By.CSS_SELECTOR, selector).click()
    saved(driver)


async def open_page(w: World, browser: Any, theme: dict[str, str]) -> None:
    launch = await w.reader.webapp_launch(
        ANNA, first_name="Anna", language_code="de", theme=theme,
        auth_date=int(w.clock.now().timestamp()),
    )  # fmt: skip
    server = w.app.bot_data.ops_server
    url = f"{server.url}/app/#{launch['fragment']}"

    def load() -> None:
        browser.get("about:blank")  # a new fragment alone would not load the page again
        browser.get(url)
        wait(browser, lambda d: d.find_element(By.ID, "app").get_attribute("aria-busy") == "false",
             "the page drawn from the reader's settings")  # fmt: skip

    await in_browser(load)


async def test_settings_changed_by_clicking_reach_the_database_and_the_chat(
    w: World, browser: Any
) -> None:
    await w.reader.ask(ANNA, "/start", first_name="Anna", language_code="de")
    await open_page(w, browser, LIGHT)

    def change_settings() -> None:
        assert browser.find_element(By.ID, "title").text == "Einstellungen"
        click(browser, '[data-mode="hourly"]')
        click(browser, '[data-quiet="23:00-07:00"]')
        click(browser, '[data-digest="07:00"]')
        Select(browser.find_element(By.ID, "timezone")).select_by_value("Europe/Vienna")
        saved(browser)
        browser.find_element(By.ID, "add-query").send_keys("Drohnen")
        browser.find_element(By.ID, "preview-button").click()
        wait(browser, lambda d: d.find_element(By.ID, "preview").is_displayed(), "the preview")
        browser.find_element(By.ID, "add-button").click()
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#topics li[data-sub]"),
             "the new topic in the list")  # fmt: skip
        pressed = browser.find_element(By.CSS_SELECTOR, '[data-mode="hourly"]')
        assert pressed.get_attribute("aria-pressed") == "true"
        Select(browser.find_element(By.CSS_SELECTOR, ".topic-mode")).select_by_value("instant")
        saved(browser)
        click(browser, '[data-merge="off"]')

    await in_browser(change_settings)
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert (chat.mode, chat.quiet_start, chat.quiet_end, chat.digest_time, chat.timezone) == (
        "hourly", "23:00", "07:00", "07:00", "Europe/Vienna",
    )  # fmt: skip
    assert await w.services.storage.stories.merging(ANNA) is False
    [sub] = await w.services.storage.subscriptions.for_chat(ANNA)
    assert (sub.query, sub.mode) == ("Drohnen", "instant")
    [listing] = messages(await w.reader.ask(ANNA, "/abos", first_name="Anna"))
    for shown in ("stündlich", "07:00", "23:00", "Europe/Vienna", "Drohnen"):
        assert shown in listing["text"]

    # The language switch redraws the page in English; the chat answers in English too.
    await in_browser(lambda: click(browser, '[data-language="en"]'))
    assert await in_browser(lambda: browser.find_element(By.ID, "title").text) == "Settings"
    [english] = messages(await w.reader.ask(ANNA, "/abos", first_name="Anna"))
    assert "Drones" in english["text"]
    assert "hourly" in english["text"]

    shots = os.environ.get("LIVEBLOG_SCREENSHOTS")
    if shots:
        await in_browser(lambda: Path(shots).mkdir(parents=True, exist_ok=True))
        for name, theme in (("light", LIGHT), ("dark", DARK)):
            await open_page(w, browser, theme)
            await in_browser(lambda n=name: browser.save_screenshot(f"{shots}/settings-{n}.png"))


async def test_hostile_topic_names_stay_text_and_the_themes_apply(w: World, browser: Any) -> None:
    hostile = '<img src=x onerror="document.title=1">'
    await w.services.storage.chats.upsert(ANNA, "private", None, "de", w.clock.now())
    # Stored as a name could arrive from anywhere: the page must show it as text.
    await w.services.storage.subscriptions.add(ANNA, "x", None, "q:x", hostile, w.clock.now())
    for theme in (LIGHT, DARK):
        await open_page(w, browser, theme)

        def check(theme: dict[str, str] = theme) -> None:
            assert not browser.find_elements(By.CSS_SELECTOR, "#topics img")
            assert browser.title != "1"
            shown = browser.find_element(By.CSS_SELECTOR, "#topics li[data-sub] .name").text
            assert "<img" in shown
            background = browser.execute_script(
                "return getComputedStyle(document.body).backgroundColor"
            )
            red, green, blue = (int(theme["bg_color"][i : i + 2], 16) for i in (1, 3, 5))
            assert background == f"rgb({red}, {green}, {blue})"

        await in_browser(check)
