"""Tests for landscape.net's model and engine against float64 NumPy oracles.

tests/net_numpy.py shares no code with landscape.net: it reads the flat
weights through the layout the command line publishes, and writes the
forward pass, backpropagation and Keras's SGD and Adam rules by hand.
"""

import concurrent.futures

import numpy as np
import pytest

from landscape.config import Schedule
from landscape.data.dataset import Dataset
from landscape.data.presets import make_dataset
from landscape.net import api, model
from landscape.net.config import NET_MAX_STEPS, net_config
from landscape.net.engine import engine
from landscape.net.layout import Architecture, glorot
from tests import net_numpy as oracle


def layout_of(run: api.NetRun) -> list[dict]:
    return [{"name": n, "shape": list(s)} for n, s in run.layout]


def oracle_losses(run: api.NetRun) -> np.ndarray:
    lay, act = layout_of(run), run.config.arch.activation
    x, y = run.data.x.astype(np.float64), run.data.y.astype(np.float64)
    return np.array([oracle.loss(lay, act, run.config.loss, x, y, w)
                     for w in run.params])  # fmt: skip


# --- layout and init ----------------------------------------------------------


def test_layout_is_kernel_then_bias_per_layer_and_sums_to_p():
    arch = Architecture((5, 3), "relu")
    assert arch.layout == [
        ("hidden_1/kernel", (2, 5)), ("hidden_1/bias", (5,)),
        ("hidden_2/kernel", (5, 3)), ("hidden_2/bias", (3,)),
        ("output/kernel", (3, 1)), ("output/bias", (1,)),
    ]  # fmt: skip
    assert arch.size == 2 * 5 + 5 + 5 * 3 + 3 + 3 + 1 == 37
    units = arch.units()
    assert len(units) == 5 + 3 + 1
    # unit 1 of hidden_1: column 1 of the row-major (2, 5) kernel
    np.testing.assert_array_equal(units[1], [1, 6])
    np.testing.assert_array_equal(arch.biases(), [*range(10, 15), 30, 31, 32, 36])


@pytest.mark.parametrize(
    ("hidden", "activation", "fragment"),
    [((), "tanh", "hidden layers"), ((8, 8, 8), "tanh", "hidden layers"),
     ((0,), "tanh", "2 to 16"), ((40,), "tanh", "2 to 16"), ((1,), "tanh", "2 to 16"),
     ((8,), "sigmoid", "unknown activation")],
)  # fmt: skip
def test_bad_architectures_are_refused(hidden, activation, fragment):
    with pytest.raises(ValueError, match=fragment):
        Architecture(hidden, activation)


def test_glorot_is_seeded_uniform_within_its_limit_with_zero_biases():
    arch = Architecture((16, 16), "tanh")
    w = glorot(arch, 3)
    np.testing.assert_array_equal(w, glorot(arch, 3))
    assert not np.array_equal(w, glorot(arch, 4))
    assert (w[arch.biases()] == 0).all()
    kernel = w[2 * 16 + 16 : 2 * 16 + 16 + 256]  # hidden_2's (16, 16)
    limit = np.sqrt(6 / 32)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    # uniform on [-l, l] has variance l^2 / 3
    assert kernel.var() == pytest.approx(limit**2 / 3, rel=0.25)


# --- the oracle itself ----------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_numpy_gradient_matches_central_differences(activation, loss):
    arch = Architecture((4, 3), activation)
    data = make_dataset("moons", 30, seed=2)
    lay = [{"name": n, "shape": list(s)} for n, s in arch.layout]
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    w = glorot(arch, 1).astype(np.float64) + 0.1
    g = oracle.gradient(lay, activation, loss, x, y, w)
    h, fd = 1e-6, np.zeros_like(w)
    for k in range(len(w)):
        e = np.zeros_like(w)
        e[k] = h
        up = oracle.loss(lay, activation, loss, x, y, w + e)
        down = oracle.loss(lay, activation, loss, x, y, w - e)
        fd[k] = (up - down) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)


# --- training against the oracle ------------------------------------------------


@pytest.mark.parametrize("hidden", [(8,), (6, 4)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_losses_along_the_path_match_a_numpy_forward_pass(hidden, activation):
    data = make_dataset("circles", 150, seed=1)
    cfg = net_config(hidden, activation, optimizer="adam", learning_rate=0.02,
                     steps=60, init_seed=5)  # fmt: skip
    run = api.train(data, cfg)
    assert run.params.shape == (61, cfg.arch.size) and run.diverged_at is None
    np.testing.assert_array_equal(run.params[0], glorot(cfg.arch, 5))
    np.testing.assert_allclose(run.losses, oracle_losses(run), rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("key", "rule", "loss", "lr"),
    [("sgd", oracle.sgd_path, "cross_entropy", 0.5),
     ("tf1_gradient_descent", oracle.sgd_path, "mse", 0.5),
     ("adam", oracle.adam_path, "cross_entropy", 0.02),
     ("adam", oracle.adam_path, "mse", 0.02)],
)  # fmt: skip
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_path_matches_numpy_update_rules_from_params_0(key, rule, loss, lr, activation):
    data = make_dataset("moons", 120, seed=3)
    cfg = net_config((6, 5), activation, optimizer=key, learning_rate=lr,
                     steps=40, loss=loss, init_seed=2)  # fmt: skip
    run = api.train(data, cfg)
    lay = layout_of(run)
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)

    def grad(w):
        return oracle.gradient(lay, activation, loss, x, y, w)

    expected = rule(grad, run.params[0].astype(np.float64), lr, 40)
    moved = np.abs(expected[-1] - expected[0]).max()
    assert moved > 0.05  # the run really went somewhere
    np.testing.assert_allclose(run.params, expected, atol=2e-4 * max(1.0, moved))


# --- compiled once ----------------------------------------------------------------


def test_new_rate_start_steps_hypers_schedule_and_sample_count_do_not_retrace():
    arch = Architecture((7,), "tanh")
    data = make_dataset("moons", 200, seed=0)
    eng = engine(arch, "adam", "cross_entropy", data.task)
    base = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    eng.run(data, glorot(arch, 0), 0.01, Schedule(), 5, base)
    traces = eng.traces
    eng.run(data, glorot(arch, 1), 0.3, Schedule(), 1, base)
    eng.run(data, glorot(arch, 2), 0.02, Schedule("cosine"), 2500, base)
    eng.run(data, glorot(arch, 3), 0.02, Schedule(), 7, base | {"beta_1": 0.5})
    eng.run(make_dataset("moons", 190, seed=4), glorot(arch, 3), 0.02, Schedule(), 7,
            base)  # fmt: skip
    assert eng.traces == traces == 1
    assert eng._assign_all.experimental_get_tracing_count() == 1


def test_long_runs_cross_chunks_and_match_short_ones():
    data = make_dataset("xor", 100, seed=0)
    cfg = net_config((4,), "tanh", optimizer="momentum", learning_rate=0.05,
                     steps=2100)  # fmt: skip
    run = api.train(data, cfg)
    short = api.train(data, net_config((4,), "tanh", optimizer="momentum",
                                       learning_rate=0.05, steps=900))  # fmt: skip
    assert run.params.shape[0] == 2101
    np.testing.assert_array_equal(run.params[:901], short.params)
    with pytest.raises(ValueError, match="steps"):
        net_config(steps=NET_MAX_STEPS + 1)


def test_concurrent_runs_give_the_same_paths_as_one_at_a_time():
    data = make_dataset("spiral", 100, seed=0)
    cfgs = [net_config((5,), "tanh", optimizer="rmsprop", learning_rate=lr,
                       steps=150, init_seed=s)
            for s, lr in enumerate([0.001, 0.01, 0.05, 0.003])]  # fmt: skip
    alone = [api.train(data, c).params for c in cfgs]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda c: api.train(data, c).params, cfgs * 2))
    for a, b in zip(alone * 2, together):
        np.testing.assert_array_equal(a, b)


def test_engines_are_bounded_least_recently_used_first():
    made = []
    cache = model.Bounded(lambda *key: made.append(key) or key, limit=2)
    cache(1), cache(2), cache(1), cache(3)
    assert cache.keys() == [(1,), (3,)]
    cache(2)
    assert made == [(1,), (2,), (3,), (2,)]


# --- divergence and bad data ------------------------------------------------------


def test_divergence_is_a_result_with_the_finite_rows_kept():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2)) * 30
    data = Dataset(x.astype(np.float32), (x @ [3.0, -2.0]).astype(np.float32),
                   ("x1", "x2"), "regression", "wide", 2)  # fmt: skip
    run = api.train(data, net_config((8,), "relu", loss="mse", optimizer="sgd",
                                     learning_rate=1.0, steps=200))  # fmt: skip
    assert run.diverged_at is not None and 1 <= run.diverged_at <= 200
    assert len(run.params) == len(run.losses) == run.diverged_at
    assert np.isfinite(run.params).all() and np.isfinite(run.losses).all()


def test_data_the_network_cannot_take_is_refused():
    with pytest.raises(ValueError, match="2 feature columns"):
        api.train(make_dataset("dose", 20), net_config())
    with pytest.raises(ValueError, match="cross_entropy needs labels"):
        api.train(make_dataset("scaled", 20), net_config())
    with pytest.raises(ValueError, match="cross_entropy or mse"):
        api.train(make_dataset("moons", 20), net_config(loss="mae"))
