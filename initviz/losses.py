"""Output layers and their losses, computed stably on stacked logits of shape (K, outputs, n).

Each loss is the mean over samples (and outputs, for regression), like PyTorch's defaults:
binary cross-entropy on a sigmoid (BCEWithLogitsLoss), cross-entropy on a softmax
(CrossEntropyLoss), mean squared error (MSELoss).
"""

import numpy as np
from scipy import special


def _logsumexp(z):
    """log Σ exp over the outputs axis (-2), keeping it."""
    m = z.max(axis=-2, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=-2, keepdims=True))


class Binary:
    """A sigmoid unit with binary cross-entropy; targets are 0/1 of shape (1, n)."""

    def output(self, z):
        return special.expit(z)

    def losses(self, z, t):
        """Mean loss per run, shape (K,), as float64: softplus(z) − t·z, computed stably as
        max(z, 0) − t·z + log1p(exp(−|z|)) (cheaper than np.logaddexp)."""
        soft = np.abs(z)
        np.negative(soft, out=soft)
        np.exp(soft, out=soft)
        np.log1p(soft, out=soft)
        soft += np.maximum(z, 0)
        soft -= t * z
        return soft.mean(axis=(-2, -1), dtype=np.float64)

    def gradient_targets(self, t):
        """What `gradient` takes for targets `t`: 1 − 2t (made once per batch of data)."""
        return 1 - 2 * t

    def gradient(self, z, u, out):
        """d loss / d z into `out`: (σ(z) − t) / n, as (tanh(z/2) + u) / 2n with u = 1 − 2t
        (`gradient_targets`): numpy's float32 tanh is several times faster than scipy's
        expit."""
        np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        out += u
        out *= 0.5 / z.shape[-1]
        return out

    def accuracies(self, z, t):
        return ((z > 0) == (t > 0.5)).mean(axis=(-2, -1))


class Targets:
    """A head whose `gradient` takes the targets as they are."""

    def gradient_targets(self, t):
        return t


class Multiclass(Targets):
    """Softmax with cross-entropy; targets are one-hot of shape (classes, n)."""

    def output(self, z):
        return np.exp(z - _logsumexp(z))

    def losses(self, z, t):
        return (_logsumexp(z)[..., 0, :] - (t * z).sum(axis=-2)).mean(axis=-1, dtype=np.float64)

    def gradient(self, z, t, out):
        """(softmax(z) − t) / n; `t` from `gradient_targets`, as for every head."""
        np.subtract(z, _logsumexp(z), out=out)
        np.exp(out, out=out)
        out -= t
        out /= z.shape[-1]
        return out

    def accuracies(self, z, t):
        return (z.argmax(axis=-2) == t.argmax(axis=-2)).mean(axis=-1)


class Regression(Targets):
    """A linear output with mean squared error over samples and outputs."""

    def output(self, z):
        return z

    def losses(self, z, t):
        return ((z - t) ** 2).mean(axis=(-2, -1), dtype=np.float64)

    def gradient(self, z, t, out):
        """2 (z − t) / (n · outputs)."""
        np.subtract(z, t, out=out)
        out *= 2 / (z.shape[-2] * z.shape[-1])
        return out

    def accuracies(self, z, t):
        return np.full(z.shape[:-2], np.nan)


HEADS = {"binary": Binary, "multiclass": Multiclass, "regression": Regression}
