"""Load the heavy models once per process, before the first task needs them."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def load_models() -> None:
    from declarations.extraction import get_extractor
    from speech.engines import get_engine

    started = time.perf_counter()
    engine = get_engine()
    get_extractor()
    logger.info(
        "models loaded: engine=%s model=%s in %.1fs",
        engine.name,
        engine.model_path,
        time.perf_counter() - started,
    )
