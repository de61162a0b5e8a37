"""cspersona: customer personas from B2B SaaS customer conversations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cspersona")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
