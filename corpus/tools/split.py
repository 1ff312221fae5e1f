"""The corpus split, fixed once before any note was read: whole writer batches, drawn with a fixed seed.

Splitting by batch keeps each writer's habits on one side: the locked test measures notes from
writers the extractor was never fitted on, as a new user's notes would be.
"""

from __future__ import annotations

import random

SEED = "cej-corpus-split-2026-12-04"
BATCHES = list(range(1, 17))
N_TEST, N_DEV = 4, 3


def split() -> dict[str, list[int]]:
    order = list(BATCHES)
    random.Random(SEED).shuffle(order)
    return {
        "test": sorted(order[:N_TEST]),
        "dev": sorted(order[N_TEST : N_TEST + N_DEV]),
        "train": sorted(order[N_TEST + N_DEV :]),
    }


if __name__ == "__main__":
    print(split())
