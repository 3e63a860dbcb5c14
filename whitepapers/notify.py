"""Notices of white-paper decisions and submissions (effects of the workflow table).

They run inside the transition's transaction: the in-app notifications commit with the
decision, and their emails are owed through the outbox (notifications_deliver). They use
the existing optional kinds (``application_status`` for the organization, ``new_submission``
for officers): a white paper is the first step of the same application process, and users
who turned those notices off asked not to get them.
"""

import logging

from django.db import transaction
from django.urls import reverse

from dpa_funding import lifecycle
from notifications import emails
from notifications.choices import NotificationKind
from notifications.services import Outgoing, notifications_deliver, recipients_accepting

from .choices import WhitePaperStatus

logger = logging.getLogger(__name__)


def white_paper_url(white_paper) -> str:
    return reverse("whitepapers:detail", kwargs={"pk": white_paper.pk})


def _deliver(outgoing: list[Outgoing], white_paper) -> None:
    # A failing notice must not undo the officer's decision: its savepoint rolls back alone.
    try:
        with transaction.atomic():
            notifications_deliver(outgoing=outgoing)
    except Exception:
        logger.exception("white paper notices failed for white paper %s", white_paper.pk)


@lifecycle.effect("whitepapers.tell_organization_decision")
def tell_organization_decision(white_paper, actor, data) -> None:
    """Tell every member of the organization that the officer encouraged (with the due date
    of the full proposal) or discouraged its white paper, with the officer's comment."""
    from accounts.models import Membership

    encouraged = white_paper.status == WhitePaperStatus.ENCOURAGED
    url = white_paper_url(white_paper)
    context = {
        "white_paper": white_paper, "encouraged": encouraged, "url": emails.absolute(url),
        "comment": (data.get("comment") or "").strip(),
        "proposal_due": (emails.format_deadline(white_paper.proposal_due_at)
                         if encouraged and white_paper.proposal_due_at else ""),
    }
    subject = (f"White paper #{white_paper.pk}: full proposal encouraged (due {context['proposal_due']})"
               if encouraged else f"White paper #{white_paper.pk}: full proposal not encouraged")
    member_ids = Membership.objects.filter(organization_id=white_paper.organization_id).values_list("user_id",
                                                                                                 flat=True)
    outgoing = []
    for user in recipients_accepting(member_ids, NotificationKind.APPLICATION_STATUS):
        text, html = emails.render("emails/white_paper_decision", {**context, "recipient": user})
        outgoing.append(Outgoing(recipient=user, kind=NotificationKind.APPLICATION_STATUS, related=white_paper,
                                 url=url, subject=subject, body=text, body_html=html))
    _deliver(outgoing, white_paper)


@lifecycle.effect("whitepapers.tell_officers_submitted")
def tell_officers_submitted(white_paper, actor, data) -> None:
    """Tell the opportunity's program officers (all officers when it names none)."""
    from notifications.deadlines import officers_for_opportunities

    opp_id = white_paper.opportunity_id
    url = white_paper_url(white_paper)
    context = {"white_paper": white_paper, "url": emails.absolute(url)}
    outgoing = []
    for user in recipients_accepting(officers_for_opportunities([opp_id])[opp_id], NotificationKind.NEW_SUBMISSION):
        text, html = emails.render("emails/white_paper_submitted", {**context, "recipient": user})
        outgoing.append(Outgoing(
            recipient=user, kind=NotificationKind.NEW_SUBMISSION, related=white_paper, url=url,
            subject=f"White paper #{white_paper.pk} submitted to {white_paper.opportunity.number}",
            body=text, body_html=html))
    _deliver(outgoing, white_paper)
