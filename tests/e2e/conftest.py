"""Fixtures for the real-browser tests: one app server and one Chromium per module.

Module scope, not session: Playwright's sync API allows one live instance per
thread, and tests/test_export.py starts its own after these modules.
"""

from __future__ import annotations

import pytest

from landscape.browser import chromium, streamlit_server


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    yield context.new_page()
    context.close()
