"""Built-in lessons: a short text and the link that sets the explorer up for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    text: str
    query: str  # URL query parameters, as a shared link would carry them


def _pins(optimizer: str, rates, steps: int, w1: float, w2: float) -> str:
    return "&".join(f"pin={optimizer},lr={lr},steps={steps},w1={w1},w2={w2}"
                    for lr in rates)  # fmt: skip


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "learning_rate",
        "Too small, just right, too large",
        "Plain gradient descent (the course's TF1 optimizer) on a regression line at "
        "four learning rates. 0.01 crawls, 0.1 walks straight down, 0.6 overshoots and "
        "zigzags across the valley but still settles, 0.8 overshoots further each "
        "step and diverges.",
        "dataset=line&loss=mse&optimizer=tf1_gradient_descent&lr=0.1&steps=40"
        "&w1=-1&w2=2&" + _pins("tf1_gradient_descent", (0.01, 0.6, 0.8), 40, -1, 2),
    ),
    Lesson(
        "predict_divergence",
        "Predict the divergence",
        "Before you press Play, read the hint under the learning rate: for this "
        "line and L2 loss the surface's curvature says gradient descent is stable "
        "below 2/λmax, about 0.655. Which of 0.3, 0.6, 0.7 and 1 will settle? On a "
        "quadratic each step multiplies the distance along the steepest direction "
        "by |1 - lr·λmax|: below the limit it shrinks, above it grows.",
        "dataset=line&loss=mse&optimizer=tf1_gradient_descent&lr=0.6&steps=60"
        "&w1=-1&w2=2&" + _pins("tf1_gradient_descent", (0.3, 0.7, 1.0), 60, -1, 2),
    ),
    Lesson(
        "momentum",
        "Momentum overshoots and recovers",
        "The same learning rate with and without momentum 0.9. Momentum keeps a "
        "velocity: it races down the slope, overshoots the minimum, swings back and "
        "settles, while plain SGD creeps straight in.",
        "dataset=line&loss=mse&optimizer=momentum&lr=0.05&steps=100&w1=-1&w2=2"
        "&pin=sgd,lr=0.05,steps=100,w1=-1,w2=2",
    ),
    Lesson(
        "adam_vs_sgd",
        "Adam vs. SGD on a badly scaled problem",
        "One input is ten times wider than the other, so the valley is long and "
        "narrow. SGD must keep its rate small enough for the steep direction and "
        "crawls along the flat one; Adam scales each weight's step by its own "
        "gradient history and goes almost straight to the minimum.",
        "dataset=scaled&loss=mse&optimizer=adam&lr=0.1&steps=100&w1=-2&w2=1"
        "&pin=sgd,lr=0.009,steps=100,w1=-2,w2=1"
        "&pin=momentum,lr=0.009,steps=100,w1=-2,w2=1",
    ),
    Lesson(
        "mse_sigmoid",
        "Why MSE on a sigmoid is a bad idea",
        "L2 loss on sigmoid outputs: far from the minimum the sigmoid saturates, the "
        "surface goes flat and gradient descent stalls on the plateau. Switch the "
        "loss to cross-entropy: the same start now has a slope to follow.",
        "dataset=blobs&loss=mse&optimizer=sgd&lr=1&steps=200&w1=-4&w2=4"
        "&pin=sgd,lr=1,steps=200,w1=-1,w2=1",
    ),
    Lesson(
        "xor",
        "XOR: no line fits",
        "The labels follow XOR of the two inputs' signs. A model with two weights "
        "draws one line through the origin, and no such line separates XOR: the "
        "loss never gets far below log 2 = 0.69, whichever optimizer you try.",
        "dataset=xor&loss=cross_entropy&optimizer=adam&lr=0.05&steps=300&w1=1&w2=-1"
        "&pin=sgd,lr=0.5,steps=300,w1=1,w2=-1",
    ),
)
BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def link(lesson: Lesson) -> str:
    """The lesson's query string with its own name, so the page shows its text."""
    return f"lesson={lesson.key}&{lesson.query}"
