"""Articles drawn for people: one layout (`layout`), drawn as Rich text or Markdown."""
