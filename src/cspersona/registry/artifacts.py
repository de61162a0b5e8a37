"""Model artifacts on disk, written and read with joblib.

joblib files are pickles: loading one runs code from it, so load only models you trained.
"""

from pathlib import Path

import joblib

from cspersona.exceptions import BadInput


def save(artifact: object, path: Path) -> Path:
    """Write ``artifact`` to ``path`` (compressed), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(artifact, path, compress=3)
    return path


def load(path: Path) -> object:
    """Read an artifact, with a one-line error when the file is missing or not one."""
    if not path.is_file():
        raise BadInput(f"{path}: no such model file")
    try:
        artifact: object = joblib.load(path)
    except Exception as error:  # unpickling a foreign file can fail in any way at all
        raise BadInput(f"{path} is not a model file ({type(error).__name__})") from None
    return artifact
