"""Hand-written SQL for the engine's hot path: the step that moves an instance.

The ORM models stay the schema of record (tables, columns, migrations); the code here
reads their ``_meta`` for every table and column name and uses the fields' own
conversions, so it writes exactly what the ORM would. It exists because a step is a
handful of small statements whose cost on PostgreSQL is round trips and ORM compilation,
not server work: sending them together (``Batch``) brings a step down to a few round
trips.
"""
