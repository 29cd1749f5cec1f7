"""The use cases both faces call: import, refresh, subscribe, full-article fetch."""
