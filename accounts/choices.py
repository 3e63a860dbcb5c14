"""Enumerations for accounts: user roles, organization member roles, US states."""

from django.db import models


class Role(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    REVIEWER = "reviewer", "Reviewer"
    PROGRAM_OFFICER = "program_officer", "Program officer"
    ADMIN = "admin", "Administrator"


class MemberRole(models.TextChoices):
    # The AOR of SF-424: signs, submits, accepts awards.
    AUTHORIZED_REPRESENTATIVE = "authorized_representative", "Authorized representative"
    CONTRIBUTOR = "contributor", "Contributor"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class USState(models.TextChoices):
    """States, DC and territories, by USPS code (SF-424 item 8d)."""

    AL = "AL", "Alabama"
    AK = "AK", "Alaska"
    AZ = "AZ", "Arizona"
    AR = "AR", "Arkansas"
    CA = "CA", "California"
    CO = "CO", "Colorado"
    CT = "CT", "Connecticut"
    DE = "DE", "Delaware"
    DC = "DC", "District of Columbia"
    FL = "FL", "Florida"
    GA = "GA", "Georgia"
    HI = "HI", "Hawaii"
    ID = "ID", "Idaho"
    IL = "IL", "Illinois"
    IN = "IN", "Indiana"
    IA = "IA", "Iowa"
    KS = "KS", "Kansas"
    KY = "KY", "Kentucky"
    LA = "LA", "Louisiana"
    ME = "ME", "Maine"
    MD = "MD", "Maryland"
    MA = "MA", "Massachusetts"
    MI = "MI", "Michigan"
    MN = "MN", "Minnesota"
    MS = "MS", "Mississippi"
    MO = "MO", "Missouri"
    MT = "MT", "Montana"
    NE = "NE", "Nebraska"
    NV = "NV", "Nevada"
    NH = "NH", "New Hampshire"
    NJ = "NJ", "New Jersey"
    NM = "NM", "New Mexico"
    NY = "NY", "New York"
    NC = "NC", "North Carolina"
    ND = "ND", "North Dakota"
    OH = "OH", "Ohio"
    OK = "OK", "Oklahoma"
    OR = "OR", "Oregon"
    PA = "PA", "Pennsylvania"
    RI = "RI", "Rhode Island"
    SC = "SC", "South Carolina"
    SD = "SD", "South Dakota"
    TN = "TN", "Tennessee"
    TX = "TX", "Texas"
    UT = "UT", "Utah"
    VT = "VT", "Vermont"
    VA = "VA", "Virginia"
    WA = "WA", "Washington"
    WV = "WV", "West Virginia"
    WI = "WI", "Wisconsin"
    WY = "WY", "Wyoming"
    AS = "AS", "American Samoa"
    GU = "GU", "Guam"
    MP = "MP", "Northern Mariana Islands"
    PR = "PR", "Puerto Rico"
    VI = "VI", "U.S. Virgin Islands"


# Foreign entity of concern (42 U.S.C. 18741): owner countries and the ownership threshold.
FOREIGN_ENTITY_OF_CONCERN_COUNTRIES = frozenset({"CN", "RU", "IR", "KP"})
FOREIGN_ENTITY_OF_CONCERN_MIN_PERCENT = 25
