"""Publishing the graph: RDF exports and dumps, the dataset description, the static site, and
push to a remote store."""
