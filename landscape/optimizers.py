"""Registry: key -> the real TensorFlow optimizer, its hyperparameters, defaults."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import tensorflow as tf


@dataclass(frozen=True)
class Hyper:
    """A hyperparameter, named as the TensorFlow constructor's argument."""

    name: str
    default: float
    low: float
    high: float
    low_open: bool = False  # True: low itself is not allowed
    high_open: bool = False
    help: str = ""

    def check(self, value: float) -> float:
        """Return value as a float, or raise ValueError saying what is allowed."""
        value = float(value)
        too_low = value < self.low or (self.low_open and value == self.low)
        too_high = value > self.high or (self.high_open and value == self.high)
        if not math.isfinite(value) or too_low or too_high:
            raise ValueError(
                f"{self.name}={value!r} is out of range; allowed: {self.allowed()}"
            )
        return value

    def allowed(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}"


@dataclass(frozen=True)
class OptimizerSpec:
    """One registry entry.

    `make(lr, hypers)` builds the TensorFlow optimizer; hypers maps each Hyper's
    name to a tf.Variable, so that new values are assigned, never traced.
    `slots` names the optimizer's per-weight state in the order `state()` gives.
    """

    key: str
    label: str
    family: str  # "keras" or "tf1"
    default_lr: float
    make: Callable[[tf.Variable, dict], object]
    hypers: tuple[Hyper, ...] = ()
    slots: tuple[str, ...] = ()
    code: str = ""  # the constructor call as a user would write it
    description: str = ""
    # Optimizer variables whose start value is a hyperparameter: slot -> hyper name.
    slot_init: dict = field(default_factory=dict)

    def hyper(self, name: str) -> Hyper:
        for h in self.hypers:
            if h.name == name:
                return h
        names = ", ".join(h.name for h in self.hypers) or "none"
        raise ValueError(
            f"{self.key} has no hyperparameter {name!r}; its hyperparameters: {names}"
        )

    def resolve(self, params: dict | None) -> dict[str, float]:
        """All hyperparameters: the given ones checked, the rest at TF's defaults."""
        values = {h.name: h.default for h in self.hypers}
        for name, value in (params or {}).items():
            values[name] = self.hyper(name).check(value)
        return values


class _RuntimeHyper:
    """A hyperparameter that Keras both compares in Python and uses in maths.

    Keras's SGD and RMSprop decide in Python whether to trace their momentum code
    (`if self.momentum != 0`). A tf.Variable cannot answer that at trace time, so
    this wrapper says "non-zero" and converts to the variable's value in maths.
    With momentum 0 the momentum branch computes m = 0*m - lr*g; w += m, which is
    bit-for-bit plain SGD, so always tracing it changes no number.
    """

    def __init__(self, variable: tf.Variable):
        self.variable = variable

    def __ne__(self, other):
        return True

    def __eq__(self, other):
        return False

    def __gt__(self, other):
        return True

    __hash__ = object.__hash__


tf.register_tensor_conversion_function(
    _RuntimeHyper,
    lambda value, dtype=None, name=None, as_ref=False: tf.convert_to_tensor(
        value.variable, dtype=dtype
    ),
)

_K = tf.keras.optimizers
_BETA1 = Hyper("beta_1", 0.9, 0.0, 1.0, high_open=True, help="decay of the mean m")
_BETA2 = Hyper("beta_2", 0.999, 0.0, 1.0, high_open=True, help="decay of v")
_EPS = Hyper("epsilon", 1e-7, 0.0, 1.0, low_open=True, help="keeps the division safe")
_MOMENTUM = Hyper("momentum", 0.9, 0.0, 1.0, high_open=True, help="velocity decay")
_RHO = Hyper("rho", 0.9, 0.0, 1.0, high_open=True, help="decay of the squared mean")


def _keras(cls, hyper_names=(), wrapped=(), **fixed):
    """A factory for a Keras 3 optimizer whose hyperparameters are runtime variables.

    The optimizer is built with Python floats (its constructor validates them),
    then each named attribute is replaced by the variable, which Keras's own
    update_step reads through ops.cast / ops.multiply at run time.
    """

    def make(lr: tf.Variable, hypers: dict) -> object:
        opt = cls(learning_rate=float(lr.numpy()), **fixed)
        for name in hyper_names:
            value = hypers[name]
            setattr(opt, name, _RuntimeHyper(value) if name in wrapped else value)
        return opt

    return make


def _tf1_gd(lr: tf.Variable, hypers: dict) -> object:
    return tf.compat.v1.train.GradientDescentOptimizer(learning_rate=lr)


def _tf1_adam(lr: tf.Variable, hypers: dict) -> object:
    return tf.compat.v1.train.AdamOptimizer(
        learning_rate=lr,
        beta1=hypers["beta1"],
        beta2=hypers["beta2"],
        epsilon=hypers["epsilon"],
    )


def _spec(key, label, cls, lr, hypers=(), slots=(), wrapped=(), code="", **kw):
    fixed = kw.pop("fixed", {})
    make = _keras(cls, [h.name for h in hypers], wrapped, **fixed)
    return OptimizerSpec(
        key, label, "keras", lr, make, tuple(hypers), slots, code, **kw
    )


REGISTRY: dict[str, OptimizerSpec] = {
    s.key: s
    for s in [
        _spec("sgd", "Gradient descent (SGD)", _K.SGD, 0.01,
              code="tf.keras.optimizers.SGD",
              description="Step against the gradient: w -= lr * g."),
        _spec("momentum", "SGD with momentum", _K.SGD, 0.01, [_MOMENTUM],
              ("velocity",), wrapped=("momentum",), code="tf.keras.optimizers.SGD",
              description="Keeps a velocity that remembers past gradients."),
        _spec("nesterov", "Nesterov momentum", _K.SGD, 0.01, [_MOMENTUM],
              ("velocity",), wrapped=("momentum",), fixed={"nesterov": True},
              code="tf.keras.optimizers.SGD",
              description="Momentum that looks ahead before it steps."),
        _spec("adagrad", "Adagrad", _K.Adagrad, 0.001,
              [Hyper("initial_accumulator_value", 0.1, 0.0, 1e6,
                     help="start of the squared-gradient sum"), _EPS],
              ("accumulator",), code="tf.keras.optimizers.Adagrad",
              slot_init={"accumulator": "initial_accumulator_value"},
              description="Divides by the root of all past squared gradients."),
        _spec("rmsprop", "RMSprop", _K.RMSprop, 0.001,
              [_RHO, Hyper("momentum", 0.0, 0.0, 1.0, high_open=True), _EPS],
              ("velocity", "momentum"), wrapped=("momentum",),
              code="tf.keras.optimizers.RMSprop",
              description="Divides by a running root-mean-square of the gradient."),
        _spec("adadelta", "Adadelta", _K.Adadelta, 0.001,
              [Hyper("rho", 0.95, 0.0, 1.0, high_open=True), _EPS],
              ("accumulated_grad", "accumulated_delta"),
              code="tf.keras.optimizers.Adadelta",
              description="Scales steps by running averages of updates and gradients."),
        _spec("adam", "Adam", _K.Adam, 0.001, [_BETA1, _BETA2, _EPS],
              ("m", "v"), code="tf.keras.optimizers.Adam",
              description="Momentum plus per-weight step sizes, bias-corrected."),
        _spec("adamax", "Adamax", _K.Adamax, 0.001, [_BETA1, _BETA2, _EPS],
              ("m", "u"), code="tf.keras.optimizers.Adamax",
              description="Adam with the infinity norm in place of v."),
        _spec("nadam", "Nadam", _K.Nadam, 0.001, [_BETA1, _BETA2, _EPS],
              ("m", "v", "u_product"), code="tf.keras.optimizers.Nadam",
              slot_init={"u_product": 1.0},  # Keras builds it at 1.0
              description="Adam with Nesterov momentum."),
        _spec("adamw", "AdamW", _K.AdamW, 0.001,
              [Hyper("weight_decay", 0.004, 0.0, 1.0), _BETA1, _BETA2, _EPS],
              ("m", "v"), code="tf.keras.optimizers.AdamW",
              description="Adam with decoupled weight decay."),
        _spec("ftrl", "FTRL", _K.Ftrl, 0.001,
              [Hyper("learning_rate_power", -0.5, -1e6, 0.0),
               Hyper("initial_accumulator_value", 0.1, 0.0, 1e6),
               Hyper("l1_regularization_strength", 0.0, 0.0, 1e6),
               Hyper("l2_regularization_strength", 0.0, 0.0, 1e6),
               Hyper("l2_shrinkage_regularization_strength", 0.0, 0.0, 1e6),
               Hyper("beta", 0.0, 0.0, 1e6)],
              ("accumulator", "linear"), code="tf.keras.optimizers.Ftrl",
              slot_init={"accumulator": "initial_accumulator_value"},
              description="Follow-the-regularized-leader, from online learning."),
        _spec("lion", "Lion", _K.Lion, 0.001,
              [Hyper("beta_1", 0.9, 0.0, 1.0, low_open=True),
               Hyper("beta_2", 0.99, 0.0, 1.0, high_open=True)],
              ("m",), code="tf.keras.optimizers.Lion",
              description="Steps by the sign of an interpolated momentum."),
        OptimizerSpec(
            "tf1_gradient_descent", "Gradient descent (TF1, as in the course)",
            "tf1", 0.01, _tf1_gd, (), (),
            "tf.compat.v1.train.GradientDescentOptimizer",
            "The course's tf.compat.v1.train.GradientDescentOptimizer."),
        OptimizerSpec(
            "tf1_adam", "Adam (TF1, as in the course)", "tf1", 0.001, _tf1_adam,
            (Hyper("beta1", 0.9, 0.0, 1.0, high_open=True),
             Hyper("beta2", 0.999, 0.0, 1.0, high_open=True),
             Hyper("epsilon", 1e-8, 0.0, 1.0, low_open=True)),
            ("m", "v", "beta1_power", "beta2_power"),
            "tf.compat.v1.train.AdamOptimizer",
            "The course's tf.compat.v1.train.AdamOptimizer(), defaults and all.",
            slot_init={"beta1_power": "beta1", "beta2_power": "beta2"}),
    ]
}  # fmt: skip


def get(key: str) -> OptimizerSpec:
    """The registry entry for key, or ValueError listing the valid keys."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {key!r}; choose one of {', '.join(REGISTRY)}"
        ) from None
