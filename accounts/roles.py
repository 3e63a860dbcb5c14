"""Kept for callers written before ``dpa_funding.policy``: thin aliases of its predicates.

New code asks ``policy.may(user, action, obj)`` instead.
"""

from dpa_funding.policy import is_federal_reader as is_federal_staff
from dpa_funding.policy import is_officer as is_program_officer

__all__ = ["is_federal_staff", "is_program_officer"]
