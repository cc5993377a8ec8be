"""The interface every recurrent model shares, and the parameter storage behind it.

All parameters of a model live in one flat float64 buffer; ``model.params`` is a
dict of named views into it, so an optimiser updates everything with a few array
operations while code and charts keep the lesson's names (w1, w2, b1, w3, b2).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .losses import loss_and_dy


class ParamDict(MutableMapping):
    """Named views into a model's flat parameter buffer.

    Assigning ``params["w2"] = new`` copies ``new`` into the buffer after checking
    its shape and finiteness, so the model changes and the optimiser sees it.
    """

    def __init__(self, views: dict[str, np.ndarray]):
        self._views = views

    def __getitem__(self, name: str) -> np.ndarray:
        return self._views[name]

    def __setitem__(self, name: str, value) -> None:
        if name not in self._views:
            raise KeyError(f"unknown parameter {name!r}; this model has {', '.join(self._views)}")
        target = self._views[name]
        value = np.asarray(value, dtype=float)
        if value.shape != target.shape:
            if value.size == target.size and value.size == 1:
                value = value.reshape(target.shape)
            else:
                raise ValueError(f"{name} must have shape {target.shape}, got {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} must be finite")
        target[...] = value

    def __delitem__(self, name: str) -> None:
        raise TypeError("parameters cannot be removed from a model")

    def __iter__(self) -> Iterator[str]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)

    def __repr__(self) -> str:
        return "ParamDict({" + ", ".join(f"{k!r}: {v.tolist()!r}" for k, v in self._views.items()) + "})"


def oldest_step(T: int, truncate: int | None) -> int:
    """The first step BPTT reaches: 0 for full BPTT, T - k when truncated to the last k steps."""
    return 0 if truncate is None else max(0, T - int(truncate))


def read_only(array: np.ndarray) -> np.ndarray:
    """A view of ``array`` that cannot be written through (``array`` itself stays writable)."""
    view = array.view()
    view.flags.writeable = False
    return view


def views_of(flat: np.ndarray, shapes: Mapping[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Split a flat buffer into named, reshaped views (no copies)."""
    # math.prod on the shape tuple: np.prod would build an array for each parameter, and
    # this runs on every backward pass.
    views, start = {}, 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        views[name] = flat[start : start + size].reshape(shape)
        start += size
    return views


@dataclass(frozen=True, kw_only=True)
class Trace:
    """Every number of a forward pass, step by step; each model's trace adds its own (the vanilla
    RNN's terms and sum, the gated cells' gates).

    Arrays are read-only, (B, T, ...) with time on axis 1: ``xs`` (B, T, n_in) the inputs,
    ``hidden`` h_t (B, T, H), ``outputs`` y_t = h_t @ w3 + b2 (B, T, n_out; only the last is the
    prediction) and ``y`` = y_T (B, n_out). ``squeezed``: the caller gave (B, T) inputs.
    ``kernel_pass`` is the pass's own arrays, which ``backward`` reads (the trace's arrays are
    views of them, hence read-only).
    """

    xs: np.ndarray
    hidden: np.ndarray
    outputs: np.ndarray
    y: np.ndarray
    squeezed: bool = False
    kernel_pass: object = field(default=None, repr=False)

    @property
    def h_prev(self) -> np.ndarray:
        """h_(t-1) for each step t, starting from h_0 = 0: shape (B, T, H)."""
        h0 = np.zeros_like(self.hidden[:, :1])
        return np.concatenate([h0, self.hidden[:, :-1]], axis=1)


class Gradients(Mapping):
    """Everything BPTT computes for one batch; reads like a dict of d loss / d parameter.

    ``grads["w2"]``: d loss / d w2, same shape as ``model.params["w2"]`` (read-only views
    into ``flat``, the gradient in the parameter buffer's order). ``inputs``: d loss / d x_t,
    shape (B, T, n_in). ``per_step``: for each parameter used inside the recurrence, its
    contribution from each time step, shape (T, *param.shape); these sum to ``grads[name]``.
    ``inputs`` and ``per_step`` are computed when first read.
    """

    def __init__(self, flat: np.ndarray, shapes: Mapping[str, tuple[int, ...]], inputs, per_step):
        self.flat = flat
        self._shapes, self._inputs, self._per_step = shapes, inputs, per_step

    @cached_property
    def params(self) -> dict[str, np.ndarray]:
        return {name: read_only(view) for name, view in views_of(self.flat, self._shapes).items()}

    @cached_property
    def inputs(self) -> np.ndarray:
        return self._inputs()

    @cached_property
    def per_step(self) -> dict[str, np.ndarray]:
        return self._per_step()

    def __getitem__(self, name: str) -> np.ndarray:
        return self.params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._shapes)

    def __len__(self) -> int:
        return len(self._shapes)

    def __repr__(self) -> str:
        return "Gradients({" + ", ".join(f"{k!r}: {v.tolist()!r}" for k, v in self.params.items()) + "})"


class Workspace:
    """The arrays a training loop reuses from one pass to the next, owned by the loop.

    ``model.loss_and_grads(xs, ys, workspace=ws)`` runs its pass in ``ws``'s arrays for that
    model and batch shape, made on the first call and reused after: a result made in a
    workspace (its trace, its Gradients and their lazy ``inputs`` and ``per_step``) is valid
    until the next pass in the same workspace, which overwrites it. ``Trainer`` owns one, since
    it is done with a step's gradient before it takes the next. Without a workspace every
    call makes new arrays and its result stays valid for as long as it is held.

    Why reuse at all: fresh arrays of a training batch's size cost a page fault per 4 KiB each
    time they are first touched; the gated models' passes spend a large share of a call on it.
    It keeps the arrays of its two most recent (model, shape) pairs: a mini-batch loop has two
    shapes (the full batches and the last one of an epoch).
    """

    KEEP = 2

    def __init__(self) -> None:
        self._arrays: dict[tuple, tuple[object, object]] = {}

    def arrays_for(self, model, shape: tuple[int, ...], make):
        """The pass arrays for ``model`` and a batch of ``shape``: this workspace's, else new from ``make()``."""
        key = (id(model), shape)  # the entry holds the model, so its id cannot be reused meanwhile
        entry = self._arrays.pop(key, None)
        if entry is None:
            entry = (model, make())
            entry[1].in_workspace = True
        self._arrays[key] = entry  # most recent last
        for stale in list(self._arrays)[: -self.KEEP]:
            del self._arrays[stale]
        return entry[1]

    def __getstate__(self) -> dict:
        return {}  # a copied or pickled workspace starts empty: its arrays are only scratch

    def __setstate__(self, state: dict) -> None:
        self.__init__()


def backward_buffer(work, name: str, make) -> np.ndarray:
    """An array for a backward pass to write into: ``work.<name>`` (made once) when a workspace
    owns ``work``; otherwise a new one each time, so two backward passes over one trace give two
    Gradients that never share an array."""
    if not work.in_workspace:
        return make()
    array = getattr(work, name)
    if array is None:
        array = make()
        setattr(work, name, array)
    return array


class RecurrentModel:
    """Base class: subclasses define ``param_shapes``, ``_init_params``, ``forward``, ``backward``.

    Public interface shared by every model (so pages never branch on the type):
    ``params``, ``n_params``, ``predict``, ``forward``, ``backward``, ``loss_and_grads``,
    ``input_gradients``, ``config`` and ``copy``. Constructors take ``n_hidden`` first and
    everything else by keyword: ``VanillaRNN(4, activation="tanh")``, ``LSTM(4, n_in=2)``.
    """

    kind = "base"

    def __init__(self, n_hidden: int = 1, *, n_in: int = 1, n_out: int = 1, seed: int | None = 0):
        for name, value in (("n_hidden", n_hidden), ("n_in", n_in), ("n_out", n_out)):
            # int(2.7) would quietly build 2 units: sizes must be whole numbers already.
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
        self.n_hidden, self.n_in, self.n_out = int(n_hidden), int(n_in), int(n_out)
        self.seed = seed
        self.param_shapes = self._param_shapes()
        size = sum(math.prod(s) for s in self.param_shapes.values())
        self.flat = np.zeros(size)
        self._views = views_of(self.flat, self.param_shapes)
        self._params = ParamDict(self._views)
        self._init_params(np.random.default_rng(seed))

    @property
    def params(self) -> ParamDict:
        """The parameters by name, as views into ``flat``: ``m.params["w2"] = new`` changes the model."""
        return self._params

    @params.setter
    def params(self, value) -> None:
        # Replacing the dict would leave the model's own buffer behind, unchanged.
        raise AttributeError(
            "model.params cannot be replaced; assign each parameter instead: model.params['w2'] = new_value"
        )

    def _work_for(self, shape: tuple[int, ...], make, workspace: Workspace | None):
        """The arrays for one pass over a batch of ``shape``: ``workspace``'s, else new ones from ``make()``."""
        if workspace is None:
            return make()
        return workspace.arrays_for(self, shape, make)

    # -- subclass hooks -------------------------------------------------------------
    def _param_shapes(self) -> dict[str, tuple[int, ...]]:
        raise NotImplementedError

    def _init_params(self, rng: np.random.Generator) -> None:
        raise NotImplementedError

    def forward(self, xs, workspace: Workspace | None = None):
        raise NotImplementedError

    def backward(self, trace, dy: np.ndarray, truncate: int | None = None) -> Gradients:
        raise NotImplementedError

    def config(self) -> dict:
        """Constructor arguments that rebuild this model's architecture."""
        return {"n_hidden": self.n_hidden, "n_in": self.n_in, "n_out": self.n_out}

    # -- shared behaviour -----------------------------------------------------------
    @property
    def n_params(self) -> int:
        """How many numbers training adjusts; unrolling over more days never changes it."""
        return int(self.flat.size)

    def copy(self) -> RecurrentModel:
        twin = type(self)(**self.config(), seed=self.seed)
        twin.flat[:] = self.flat
        return twin

    def as_batch(self, xs) -> tuple[np.ndarray, bool]:
        """Return xs as float (B, T, n_in), and whether the caller gave (B, T)."""
        xs = np.asarray(xs, dtype=float)
        squeezed = xs.ndim == 2
        if squeezed:
            if self.n_in != 1:
                raise ValueError(f"xs of shape (B, T) needs n_in = 1; this model has n_in = {self.n_in}")
            xs = xs[:, :, None]
        if xs.ndim != 3 or xs.shape[2] != self.n_in:
            raise ValueError(f"xs must have shape (B, T) or (B, T, {self.n_in}), got {xs.shape}")
        if xs.shape[1] < 1:
            raise ValueError("a sequence needs at least one time step")
        return xs, squeezed

    def predict(self, xs) -> np.ndarray:
        """The last step's output for each sequence: shape (B, n_out), an array of the caller's own."""
        return self.forward(xs).y.copy()

    def loss_and_grads(
        self, xs, ys, *, loss: str = "mse", truncate: int | None = None, workspace: Workspace | None = None
    ) -> tuple[float, Gradients]:
        """The loss (a float) and everything BPTT computes: ``grads["w2"]``, ``grads.flat``,
        ``grads.inputs``, ``grads.per_step``. ``loss``: 'mse' or 'ssr'; ``truncate``: None
        (full BPTT) or how many steps back the error flows; ``workspace``: a ``Workspace`` whose
        arrays a loop reuses (the result is then valid until its next pass). This is what
        ``Trainer`` runs."""
        trace = self.forward(xs, workspace=workspace)
        value, dy = loss_and_dy(trace.y, np.asarray(ys, dtype=float).reshape(trace.y.shape), loss)
        return value, self.backward(trace, dy, truncate)

    def input_gradients(self, xs) -> np.ndarray:
        """d y_T / d x_t for every step t: shape (B, T) for (B, T) input, else (B, T, n_in).

        With several outputs this is the gradient of their sum.
        """
        trace = self.forward(xs)
        grads = self.backward(trace, np.ones_like(trace.y))
        return grads.inputs[:, :, 0] if trace.squeezed else grads.inputs
