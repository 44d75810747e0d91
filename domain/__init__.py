"""Business rules, as plain async functions of plain arguments.

Nothing here knows about GraphQL: the resolvers, the CLI, imports and background jobs all
call the same functions. Every function takes the acting :class:`~domain.viewer.Viewer`
and never reads or writes a row of another company.
"""
