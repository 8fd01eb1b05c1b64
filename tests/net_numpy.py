"""Float64 NumPy oracles for the small network, written from the JSON layout.

They share no code with landscape.net: the forward pass, the hand-derived
backward pass, Keras's published SGD, momentum and Adam update rules, and
its schedules' formulas.
"""

from __future__ import annotations

import numpy as np


def unflatten(layout: list[dict], w: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(kernel (in, out), bias (out,))] per layer from the flat vector w (P,)."""
    tensors, offset = [], 0
    for entry in layout:
        size = int(np.prod(entry["shape"]))
        tensors.append(np.asarray(w[offset : offset + size]).reshape(entry["shape"]))
        offset += size
    assert offset == len(w)
    return list(zip(tensors[0::2], tensors[1::2]))


def forward(layout, activation, x, w):
    """Every layer's pre-activation z_l and activation a_l; z of the last is (n,)."""
    a, cache = np.asarray(x, np.float64), []
    layers = unflatten(layout, np.asarray(w, np.float64))
    for k, (kernel, bias) in enumerate(layers):
        z = a @ kernel + bias
        cache.append((a, z))
        a = z if k == len(layers) - 1 else (np.tanh(z) if activation == "tanh"
                                            else np.maximum(z, 0.0))  # fmt: skip
    return layers, cache, a[:, 0]


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def loss(layout, activation, loss_name, x, y, w) -> float:
    """Mean cross-entropy -y log p - (1-y) log(1-p), or mean (p - y)^2."""
    z = forward(layout, activation, x, w)[2]
    if loss_name == "cross_entropy":
        return float(np.mean(np.logaddexp(0.0, z) - y * z))
    return float(np.mean((sigmoid(z) - y) ** 2))


def gradient(layout, activation, loss_name, x, y, w) -> np.ndarray:
    """Backpropagation by hand: dL/dz at the output, then down layer by layer.

    cross-entropy: dL/dz = (p - y) / n; mse: 2 (p - y) p (1 - p) / n.
    Each layer z = a K + b: dK = a^T dz, db = sum dz, da = dz K^T, and through
    the activation dz = da (1 - tanh^2) or da [z > 0].
    """
    layers, cache, z = forward(layout, activation, x, w)
    p, n = sigmoid(z), len(y)
    dz = (p - y) / n if loss_name == "cross_entropy" else 2 * (p - y) * p * (1 - p) / n
    dz = dz[:, None]
    grads = []
    for k in range(len(layers) - 1, -1, -1):
        a, _ = cache[k]
        kernel = layers[k][0]
        grads = [(a.T @ dz).ravel(), dz.sum(axis=0)] + grads
        if k:
            da = dz @ kernel.T
            z_prev = cache[k - 1][1]
            dz = da * (1 - np.tanh(z_prev) ** 2 if activation == "tanh"
                       else (z_prev > 0))  # fmt: skip
    return np.concatenate(grads)


def rates(lr, steps: int, schedule: str = "constant") -> np.ndarray:
    """The rate of each update k = 0..steps-1, by Keras's published formulas
    with their defaults here (decay_steps = steps, decay_rate 0.5, alpha 0):
    ExponentialDecay lr * 0.5 ** (k / steps); CosineDecay
    lr * (1 + cos(pi k / steps)) / 2."""
    k = np.arange(steps, dtype=np.float64)
    if schedule == "exponential":
        return lr * 0.5 ** (k / steps)
    if schedule == "cosine":
        return lr * 0.5 * (1 + np.cos(np.pi * k / steps))
    return np.full(steps, float(lr))


def sgd_path(grad_fn, w0, lr, steps) -> np.ndarray:
    """w <- w - lr g (Keras SGD, momentum 0): (steps+1, P); lr a number or one
    rate per step."""
    return momentum_path(grad_fn, w0, lr, steps, momentum=0.0)


def momentum_path(grad_fn, w0, lr, steps, momentum=0.9) -> np.ndarray:
    """Keras SGD with momentum: m <- momentum m - lr g; w <- w + m."""
    lrs = np.broadcast_to(np.asarray(lr, np.float64), (steps,))
    w = np.asarray(w0, np.float64)
    m, rows = np.zeros_like(w), [w]
    for t in range(steps):
        m = momentum * m - lrs[t] * grad_fn(w)
        w = w + m
        rows.append(w)
    return np.array(rows)


def adam_path(grad_fn, w0, lr, steps, b1=0.9, b2=0.999, eps=1e-7) -> np.ndarray:
    """Keras Adam: m += (1-b1)(g-m); v += (1-b2)(g^2-v);
    w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps); lr a number or one rate
    per step."""
    lrs = np.broadcast_to(np.asarray(lr, np.float64), (steps,))
    w = np.asarray(w0, np.float64)
    m, v, rows = np.zeros_like(w), np.zeros_like(w), [w]
    for t in range(1, steps + 1):
        g = grad_fn(w)
        m = m + (1 - b1) * (g - m)
        v = v + (1 - b2) * (g * g - v)
        w = w - lrs[t - 1] * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        rows.append(w)
    return np.array(rows)
