"""python -m landscape bench: the engine, the app in Chromium and the exports, timed."""

# engine.py times the trainer and surface against baselines.py (the course's
# eager loop, NumPy) and counts recompiles with compiles.py; browser.py times the
# app in Chromium; export.py every export format; curvature.py the cost of
# recording curvature after a run.
