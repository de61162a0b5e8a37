"""Find the shared evaluation datasets, which live outside the repository.

They sit in ``../shared/datasets/`` next to the project root (``../../shared/datasets/`` from a
git worktree one level deeper); ``CSPERSONA_DATASETS_DIR`` overrides both. Benchmarks skip with a
message, and exit 0, where the files are absent, as on a user's machine.
"""

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def dataset_path(relative: str) -> Path | None:
    """The first existing copy of ``relative`` under a datasets folder, or None."""
    folders = [root / "shared" / "datasets" for root in PROJECT_ROOT.parents[:2]]
    if "CSPERSONA_DATASETS_DIR" in os.environ:
        folders.insert(0, Path(os.environ["CSPERSONA_DATASETS_DIR"]))
    for folder in folders:
        if (folder / relative).is_file():
            return folder / relative
    return None


def require_dataset(relative: str) -> Path:
    """The dataset's path; prints why and exits 0 when it is absent."""
    path = dataset_path(relative)
    if path is None:
        print(f"skipped: {relative} is not in ../shared/datasets (or CSPERSONA_DATASETS_DIR)")
        sys.exit(0)
    return path
