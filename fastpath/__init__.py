"""A compiled path for the known inbox operations (issue 7).

The registered documents (fastpath/documents.py: the inbox page and the inbox page with its
count) are parsed, validated and compiled once at start-up (fastpath/registry.py,
fastpath/compiler.py) into a plan: the values the selection needs and, for each object of the
Lead family, a list of ``(response key, getter)`` that writes the JSON of a row directly.
fastpath/http.py sits in front of `/graphql` and answers a POST that names a registered document
(by its text, whitespace aside, or by the SHA-256 of its text, as Apollo clients send it) with
the plan (fastpath/execute.py, fastpath/records.py): the token, the page in one statement with its
person, organization, owner, next activity and labels, the custom field definitions and the
records the values refer to when the columns need them. Anything else, and anything the plan
declines or that fails, goes to the ordinary execution. ``LEADBOX_COMPILED_OPERATIONS=0`` turns it off.
"""
