"""ui/serve: the launcher keeps TensorFlow's and Keras's state between runs."""

from __future__ import annotations

import keras
import pytest
from keras.src.backend.common import global_state
from streamlit.runtime.scriptrunner import script_runner

from ui import serve


@pytest.fixture
def restored():
    original = script_runner._clean_problem_modules
    yield original
    script_runner._clean_problem_modules = original


def test_streamlits_per_run_keras_clear_session_is_turned_off(restored):
    assert keras  # imported, as in the server, so Streamlit would clear it
    global_state.set_global_attribute("landscape_probe", 1)
    restored()  # Streamlit's own clean-up: Keras's state is gone
    assert global_state.get_global_attribute("landscape_probe") is None

    global_state.set_global_attribute("landscape_probe", 2)
    serve._keep_tensorflow_state()
    script_runner._clean_problem_modules()  # what a script run now calls
    assert global_state.get_global_attribute("landscape_probe") == 2
