"""Training callbacks with gensim's protocol.

An object with any of ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end`` and
``on_train_end`` (each taking the model) is called at those points of ``Word2Vec.train``, in
gensim's order::

    on_train_begin, (on_epoch_begin, on_epoch_end) for each epoch, on_train_end

Subclasses of gensim's ``CallbackAny2Vec`` work as they are (gensim need not be installed to
run them under w2v: only the method names matter), and so do subclasses of
:class:`CallbackAny2Vec` here. Between ``on_epoch_begin`` and ``on_epoch_end`` the model trains
one epoch and nothing else: when ``on_epoch_end`` runs, no thread touches the weights, so a
callback may read, evaluate or save the model (``model.save`` there writes a checkpoint that
:meth:`Word2Vec.resume` continues). ``model.stop()`` in a callback ends training before the next
epoch.

Callbacks are not saved with the model (as in gensim): pass them to each training call.
"""

from __future__ import annotations

from typing import Iterable

EVENTS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


class CallbackAny2Vec:
    """Base class with the four methods doing nothing (gensim's name, for code that imports it
    from w2v); override the ones you need."""

    def on_train_begin(self, model) -> None:
        pass

    def on_epoch_begin(self, model) -> None:
        pass

    def on_epoch_end(self, model) -> None:
        pass

    def on_train_end(self, model) -> None:
        pass


class Callbacks:
    """The callbacks of one training call, called by event name."""

    def __init__(self, callbacks: Iterable | None):
        self.items = list(callbacks or ())

    def __bool__(self) -> bool:
        return bool(self.items)

    def __call__(self, event: str, model) -> None:
        for cb in self.items:
            method = getattr(cb, event, None)
            if method is not None:
                method(model)
