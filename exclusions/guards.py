"""The "recipient not excluded in SAM (extract of <date>)" guard of ``select`` and ``award``
and the effects that keep each passing check with the application (domain.md), registered
by name with the lifecycle engine (applications/workflow.py names them).

The guard only reads: a refused transition changes nothing, so what the officer sees is the
400 listing the reasons. When the transition goes ahead, the effect records the check it
relied on, in the transition's transaction.
"""

from dpa_funding import lifecycle

from .choices import CheckOccasion
from .services import find, record_check


@lifecycle.guard("exclusions.recipient_not_excluded")
def recipient_not_excluded(application, actor, data) -> list[str]:
    return find(application.organization).unmet()


@lifecycle.effect("exclusions.record_select_check")
def record_select_check(application, actor, data) -> None:
    record_check(application.organization, occasion=CheckOccasion.SELECT, actor=actor,
                 application=application)


@lifecycle.effect("exclusions.record_award_check")
def record_award_check(application, actor, data) -> None:
    record_check(application.organization, occasion=CheckOccasion.AWARD, actor=actor,
                 application=application)
