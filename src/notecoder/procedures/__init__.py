"""Procedure linkage: the spine procedures a note performs or plans, read against what the payer's policy lists
(criteria as data in policies/, each with its source)."""
