"""Saved queries and SPARQL: the catalogue, checking and binding, results and their rendering."""
