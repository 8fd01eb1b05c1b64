"""Fixtures shared by the AppTest modules."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture
def fresh_caches():
    """Empty Streamlit's caches around a test: each page run trains afresh, and
    a monkeypatched engine never leaves its results behind for the next test."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
