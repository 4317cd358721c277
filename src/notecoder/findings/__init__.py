"""Findings: matched, contextualized spans made into typed `Finding`s with region, value, section and assertion."""

from notecoder.findings.component import FindingBuilder, make_findings, release_stage_data
from notecoder.findings.rules import FindingRules, finding_rules

__all__ = ["FindingBuilder", "FindingRules", "finding_rules", "make_findings", "release_stage_data"]
