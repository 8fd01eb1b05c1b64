"""python -m landscape bench: the engine (engine.py), the app in Chromium (browser.py)
and the exports (export.py), each timed side by side with what it is compared to."""
