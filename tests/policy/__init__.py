"""Policy suite: security and operability rules over the whole mocked resource graph of `__main__.py`."""
