"""Notices of the recipient's answer to an award (accepted or declined) for the program
office, and of a rescission for the recipient's members. Written inside the transition's
transaction (lifecycle.transitioned), so they commit or roll back with it; emails are owed
through the outbox by notifications_deliver."""

from django.urls import reverse
from django.utils import timezone

from dpa_funding.formatting import eastern

# The recipient's answers, told to the program office: transition name -> verb.
_ANSWERS = {
    "accept": "accepted",
    "decline_award": "declined",
}


def on_award_transitioned(sender, *, obj, lifecycle, transition, actor=None, comment="", **kwargs):
    if lifecycle.key != "award" or transition.name not in (*_ANSWERS, "rescind"):
        return
    from accounts.models import Membership
    from notifications.choices import NotificationKind
    from notifications.deadlines import officers_for_opportunities
    from notifications.services import Outgoing, notifications_deliver, recipients_accepting

    award, application = obj, obj.application
    url = reverse("awards:detail", args=[award.pk])
    org = application.organization.legal_name
    if transition.name in _ANSWERS:
        verb = _ANSWERS[transition.name]
        officer_ids = set(officers_for_opportunities([application.opportunity_id])[application.opportunity_id])
        if award.issued_by_id:
            officer_ids.add(award.issued_by_id)
        subject = f"Award {award.award_number} {verb} by {org}"
        body = f"{org} {verb} award {award.award_number} ({application.title}) on {eastern(timezone.now())}."
        if transition.name == "decline_award" and comment:
            body += f"\n\nTheir reason: {comment}"
        if transition.name == "decline_award":
            body += "\n\nIts obligation was released to the opportunity's budget."
        recipients, kind = recipients_accepting(officer_ids, NotificationKind.NEW_SUBMISSION), \
            NotificationKind.NEW_SUBMISSION
    else:
        member_ids = Membership.objects.filter(organization_id=application.organization_id).values_list(
            "user_id", flat=True)
        subject = f"Award {award.award_number} rescinded"
        body = (f"Award {award.award_number} ({application.title}) was rescinded because it was not accepted "
                f"by its deadline, {eastern(award.acceptance_due_at)}.")
        if comment:
            body += f"\n\nThe program office's comment: {comment}"
        recipients, kind = recipients_accepting(member_ids, NotificationKind.APPLICATION_STATUS), \
            NotificationKind.APPLICATION_STATUS
    notifications_deliver(outgoing=[
        Outgoing(recipient=user, kind=kind, subject=subject, body=body, url=url, related=award)
        for user in recipients
    ])
