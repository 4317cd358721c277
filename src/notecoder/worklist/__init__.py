"""The team worklist (`notecoder serve --worklist`, `notecoder worklist ...`): coded notes queued in a database,
per-user decisions with versions and an audit trail, and the physician query loop. Needs the [worklist] extra."""
