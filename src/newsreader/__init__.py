"""newsreader: a terminal news reader that understands an article's structure.

Kept import-free on purpose: `newsreader parse/list/show` must not pay for Textual,
and the UI-free core (model, parse, store, paths) must never pull it in.
"""

__version__ = "0.1.0"
