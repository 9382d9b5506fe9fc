"""The REST API under ``/api/v1/``: thin DRF views over the engine's services and selectors.

Every view checks permission, validates input with an ``*Input`` serializer, calls one
service or selector and renders with an ``*Output`` serializer. Errors leave through one
handler (``exceptions.problem_exception_handler``) as ``application/problem+json``.
JSON field and query-parameter names are camelCase, as in Camunda's REST API.
"""
