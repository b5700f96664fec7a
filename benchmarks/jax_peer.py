"""The JAX peer of `benchmarks/training.py`, in a process of its own.

Started by the benchmark with ``XLA_FLAGS=--xla_force_host_platform_device_count=2`` (the flag
applies only before jax is imported, and a process of its own keeps XLA's threads apart from
numpy's). It reads pickled requests from stdin and writes pickled replies to stdout:

- ``("setup", name, workload)``: build and compile the training of `workload` (a dict: stacked
  initial weights, data, per-run sample orders or None, epochs, batch size, learning rate);
  replies with the compile seconds.
- ``("run", name)``: train once, waiting for the result; replies with the train and validation
  losses, (epochs + 1, runs) each, as the engine records them.
- ``("quit",)``.

The training: the MLP math of ``iv.train`` (tanh hidden layers, a sigmoid output with binary
cross-entropy as the mean over samples, plain SGD), float32, written for one run and vmapped
over the runs; one epoch records the train and validation loss of the weights it starts from
and then steps (full batch, or minibatches in the order given), and one ``lax.scan`` runs all
epochs inside one ``jit``; the runs are split over the host devices with ``shard_map``.
"""

import pickle
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh
from jax.sharding import PartitionSpec as P


def _forward(params, x):
    a = x
    for W, b in params[:-1]:
        a = jnp.tanh(a @ W + b)
    W, b = params[-1]
    return (a @ W + b)[:, 0]


def _loss(params, x, t):
    z = _forward(params, x)
    return jnp.mean(jax.nn.softplus(z) - t * z)


def build(workload):
    """The compiled training of `workload` and its arguments."""
    lr, batch = workload["lr"], workload["batch"]
    n = len(workload["x_train"])
    full = n // batch * batch if batch else n

    def sgd(params, grads):
        return jax.tree.map(lambda p, g: p - lr * g, params, grads)

    def epoch(params, order, xt, tt, xv, tv):       # one run
        lv = _loss(params, xv, tv)
        if batch is None:
            lt, grads = jax.value_and_grad(_loss)(params, xt, tt)
            return sgd(params, grads), (lt, lv)
        lt = _loss(params, xt, tt)
        xs, ts = xt[order], tt[order]

        def step(p, xb_tb):
            return sgd(p, jax.grad(_loss)(p, *xb_tb)), None

        params, _ = jax.lax.scan(step, params, (xs[:full].reshape(-1, batch, xs.shape[1]),
                                                ts[:full].reshape(-1, batch)))
        if full < n:
            params = sgd(params, jax.grad(_loss)(params, xs[full:], ts[full:]))
        return params, (lt, lv)

    runs_epoch = jax.vmap(epoch, in_axes=(0, 0 if batch else None, None, None, None, None))

    def train(params, orders, xt, tt, xv, tv):
        def body(p, order):
            return runs_epoch(p, order, xt, tt, xv, tv)

        params, (lt, lv) = jax.lax.scan(body, params, orders,
                                        length=workload["epochs"])
        last = jax.vmap(lambda p: (_loss(p, xt, tt), _loss(p, xv, tv)))(params)
        return (jnp.concatenate([lt, last[0][None]]), jnp.concatenate([lv, last[1][None]]))

    mesh = Mesh(np.array(jax.devices()), ("runs",))
    runs = P("runs")
    sharded = jax.jit(jax.shard_map(
        train, mesh=mesh, in_specs=(runs, P(None, "runs") if batch else P(), P(), P(), P(), P()),
        out_specs=(P(None, "runs"), P(None, "runs"))))
    put = jax.device_put
    args = (
        [tuple(put(jnp.asarray(a), jax.NamedSharding(mesh, runs)) for a in layer)
         for layer in workload["params"]],
        None if batch is None else put(jnp.asarray(workload["orders"]),
                                       jax.NamedSharding(mesh, P(None, "runs"))),
        *(jnp.asarray(workload[key]) for key in ("x_train", "t_train", "x_val", "t_val")),
    )
    start = time.perf_counter()
    compiled = sharded.lower(*args).compile()
    return compiled, args, time.perf_counter() - start


def main():
    jax.config.update("jax_platforms", "cpu")
    built = {}
    while True:
        request = pickle.load(sys.stdin.buffer)
        if request[0] == "quit":
            return
        if request[0] == "setup":
            compiled, args, seconds = build(request[2])
            built[request[1]] = compiled, args
            answer = (seconds, len(jax.devices()))
        else:
            compiled, args = built[request[1]]
            answer = tuple(np.asarray(a) for a in jax.block_until_ready(compiled(*args)))
        pickle.dump(answer, sys.stdout.buffer)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
