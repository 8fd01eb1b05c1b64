"""A small network's loss landscape on an honest 2-D slice (issue 14).

layout.py (architecture, flattening, Glorot init; NumPy), config.py (NetConfig),
model.py (the forward pass and the loss in TensorFlow), engine.py (the compiled
training loop), planes.py (pca, random and interpolate planes; NumPy),
slices.py (the grid, the projected path and the 1-D lines), api.py (train,
slice_run, start_to_end, between: what the page and the command line call),
commands.py (net-train and net-slice).
"""
