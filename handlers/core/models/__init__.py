"""Models: pydantic shapes of the API's request bodies, query strings and answers, and of event details.

Imports only `handlers.contract` and pydantic; the OpenAPI document is generated from these classes.
"""
