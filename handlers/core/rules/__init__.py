"""The rules: what NullCheck decides, one module per purpose, each called by its entry modules.

A rule calls the store, the domain and the runtime; rules never import each other.
"""
