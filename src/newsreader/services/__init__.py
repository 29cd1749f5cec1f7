"""The use cases both faces call: import, parse, export, refresh, subscribe, full-article fetch."""
