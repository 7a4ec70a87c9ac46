"""Writing a file in a background thread, so that training does not wait for the drawing."""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger("w2v")


class BackgroundWriter:
    """Runs ``write()`` in a thread each time :meth:`schedule` is called; a call while a write
    runs makes it run once more afterwards (the data may have changed meanwhile). A failure is
    logged as a warning and kept in ``error``; training goes on."""

    def __init__(self, write: Callable[[], None], what: str):
        self._write = write
        self._what = what
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self.error: BaseException | None = None

    def schedule(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            self._again = False
            self._thread = threading.Thread(target=self._loop, name="w2v-report", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                self._write()
            except BaseException as exc:  # a thread must not die silently
                self.error = exc
                log.warning("could not write %s: %s", self._what, exc)
                return
            with self._lock:
                if not self._again:
                    return
                self._again = False

    def wait(self) -> None:
        """Wait for a write under way to finish."""
        thread = self._thread
        if thread is not None:
            thread.join()
        self._thread = None
