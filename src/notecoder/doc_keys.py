"""Where notecoder's stages leave their data on a Doc: the one place these defaults live (each component's
`default_config` takes them from here)."""

TARGETS_KEY = "notecoder_targets"
"""`doc.spans` key of the raw target matches (findings and the helper modifiers); dropped once findings are built."""
FINDINGS_KEY = "notecoder_findings"
"""`doc.spans` key of the findings, one span per finding, labelled with its kind."""

# The Doc and Span extensions notecoder registers: all `notecoder_...`, so that none is another library's or a host
# program's name. The short names of earlier releases (`doc._.findings`, `span._.finding`, `span._.finding_kind`,
# ...) are registered too, but only where no one had taken them, and nothing of notecoder's reads them.
FINDINGS_EXTENSION = "notecoder_findings"
"""`doc._.notecoder_findings`: the typed findings, in note order."""
FINDING_EXTENSION = "notecoder_finding"
"""`span._.notecoder_finding`: the typed finding of a finding span (None for any other span); and
`span._.notecoder_finding_kind`, `..._assertion`, `..._concept`, `..._region`, `..._value`: its fields."""
FINDING_ATTRIBUTES = ("kind", "assertion", "concept", "region", "value")
SECTIONS_EXTENSION = "notecoder_sections"
"""`doc._.notecoder_sections`: the note's sections (medSpaCy `Section`s), also in medSpaCy's `doc._.sections` unless
another program registered that name for its own."""
SECTION_ASSERTIONS_EXTENSION = "notecoder_section_assertions"
"""`doc._.notecoder_section_assertions`: the assertion each section category lends its findings, as the sections
stage's own rules say; left for the findings stage, which drops it."""
REQUESTS_EXTENSION = "notecoder_requests"
"""`doc._.notecoder_requests`: the note has a form field asking for a treatment (the sections stage reads it)."""
TARGET_RULE_EXTENSION = "notecoder_target_rule"
"""`span._.notecoder_target_rule`: the medSpaCy `TargetRule` a raw target span matched."""
MODIFIERS_EXTENSION = "notecoder_modifiers"
"""`span._.notecoder_modifiers`: the ConText modifiers of a raw target span, as the findings stage reads them (also in
medSpaCy's `span._.modifiers`)."""
