"""Where notecoder's stages leave their data on a Doc: the one place these defaults live (each component's
`default_config` takes them from here)."""

TARGETS_KEY = "notecoder_targets"
"""`doc.spans` key of the raw target matches (findings and the helper modifiers); dropped once findings are built."""
FINDINGS_KEY = "notecoder_findings"
"""`doc.spans` key of the findings, one span per finding, labelled with its kind."""
