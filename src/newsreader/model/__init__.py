"""Plain values: the article, its blocks and quotes, and the rows the faces show. No I/O."""
