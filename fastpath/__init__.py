"""The read engine (issue 14): query documents compiled into plans, answered inside strawberry.

fastpath/extension.py is the schema's last extension: for a validated query whose operation the
compiler can plan (fastpath/compiler.py; plans cached by document text in fastpath/plans.py), its
``on_execute`` sets the result from the plan (fastpath/execute.py, fastpath/records.py): the page in
one statement with its person, organization, owner, next activity and labels, the custom field
definitions and the records the values refer to when the columns need them. Parsing,
validation, authentication, limits and error masking are strawberry's, for both ways. Anything
the compiler cannot plan, and anything a plan declines or that fails, runs the ordinary
execution. ``LEADBOX_COMPILED_OPERATIONS=0`` turns the engine off.
"""
