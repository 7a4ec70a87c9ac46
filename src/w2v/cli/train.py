"""`w2v train` and `w2v demo` (filled in by the core trainer)."""
from . import app  # noqa: F401
