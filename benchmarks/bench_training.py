"""Training throughput of the networks of notebook 6, in samples per second.

    python benchmarks/bench_training.py

``bench_training()`` returns rows ``(name, value, unit)`` for the course's benchmark script.
"""
import time

from winit_helpers.training import BookNetwork, DeepReLUNetwork, Trainer, load_digits_split


def _throughput(net, data, batch_size, steps, lr, momentum=0.0, repeats=3):
    """Best of ``repeats`` timings of ``steps`` steps: samples per second over all replicas."""
    trainer = Trainer(net, data.X_train, data.Y_train, batch_size=batch_size, lr=lr, momentum=momentum)
    trainer.run(5)                              # warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        trainer.run(steps)
        best = min(best, time.perf_counter() - start)
    return steps * batch_size * net.n_replicas / best


def bench_training():
    """Samples per second: the book's network (9 replicas, as in the notebook, and 1) and a 30-layer ReLU net."""
    book_data = load_digits_split(0)
    deep_data = book_data.standardized()
    rows = [
        ("training: book network 64-32-16-10, 9 replicas, batch 64",
         _throughput(BookNetwork(seed=list(range(9))), book_data, 64, 200, 0.1), "samples/s"),
        ("training: book network 64-32-16-10, 1 network, batch 64",
         _throughput(BookNetwork(seed=0), book_data, 64, 200, 0.1), "samples/s"),
        ("training: ReLU net 30 x 64, 6 replicas, batch 32",
         _throughput(DeepReLUNetwork(depth=30, width=64, seed=list(range(6))), deep_data, 32, 40, 0.005, 0.9),
         "samples/s"),
        ("training: ReLU net 30 x 32, 15 replicas, batch 32",
         _throughput(DeepReLUNetwork(depth=30, width=32, seed=list(range(15))), deep_data, 32, 40, 0.005, 0.9),
         "samples/s"),
    ]
    return [(name, round(value, -2), unit) for name, value, unit in rows]


if __name__ == "__main__":
    for name, value, unit in bench_training():
        print(f"{name:60s} {value:>12,.0f} {unit}")
