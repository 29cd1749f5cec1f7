"""The filters and retention limits an open library applies (`model.filters.Rules`).

The store applies them where articles are stored (`store.articles.insert_records`,
in the same transaction), so every way in (import, refresh, sync) is filtered
alike. Who opens the library says which rules hold (`use_rules`, from
config.toml); the store itself never reads the config.
"""

from __future__ import annotations

from collections.abc import Callable

from newsreader.model.filters import NO_RULES, Rules
from newsreader.store.db import Database


class RulesMixin(Database):
    """Holds the rules; `rules()` reads them when first needed."""

    _rules_source: Rules | Callable[[], Rules] | None = None

    def use_rules(self, rules: Rules | Callable[[], Rules] | None) -> None:
        """Apply these rules from now on; a callable is called on the first write that needs them.

        Why a callable: reading and compiling the config's filters costs a
        command that only lists or shows articles something for nothing.
        """
        self._rules_source = rules

    def rules(self) -> Rules:
        source = self._rules_source
        if source is None:
            return NO_RULES
        if not isinstance(source, Rules):
            source = source()
            self._rules_source = source
        return source
