"""What a measure is: its kind, and for situational ones Clarke and Cornish's technique.

The 25 techniques of situational crime prevention (Cornish & Clarke 2003,
"Opportunities, precipitators and criminal decisions", Crime Prevention Studies 16),
grouped under the five aims. The yearly follow-up ranks kinds by their measured effect.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SITUATIONAL, SOCIAL, POLICE, INFORMATION, OTHER = (
    "situational",
    "social",
    "police",
    "information",
    "other",
)


class Kind(models.TextChoices):
    LIGHTING = "lighting", _("Lighting")
    VEGETATION = "vegetation", _("Vegetation clearance")
    CLEANING = "cleaning", _("Cleaning")
    GRAFFITI = "graffiti", _("Graffiti removal")
    CAMERA = "camera", _("Camera surveillance")
    FENCING = "fencing", _("Fencing")
    DESIGN = "design", _("Design change")
    FIELD_WORK = "field_work", _("Field work")
    YOUTH_ACTIVITY = "youth_activity", _("Youth activity")
    PARENT_PATROL = "parent_patrol", _("Parent patrols (nattvandring)")
    PATROL = "patrol", _("Police patrols")
    OPERATION = "operation", _("Targeted police operation")
    INFORMATION = "information", _("Information and communication")
    OTHER = "other", _("Other")


GROUP_OF = {
    Kind.LIGHTING: SITUATIONAL,
    Kind.VEGETATION: SITUATIONAL,
    Kind.CLEANING: SITUATIONAL,
    Kind.GRAFFITI: SITUATIONAL,
    Kind.CAMERA: SITUATIONAL,
    Kind.FENCING: SITUATIONAL,
    Kind.DESIGN: SITUATIONAL,
    Kind.FIELD_WORK: SOCIAL,
    Kind.YOUTH_ACTIVITY: SOCIAL,
    Kind.PARENT_PATROL: SOCIAL,
    Kind.PATROL: POLICE,
    Kind.OPERATION: POLICE,
    Kind.INFORMATION: INFORMATION,
    Kind.OTHER: OTHER,
}


class Technique(models.TextChoices):
    # Increase the effort
    TARGET_HARDENING = "target_hardening", _("Target hardening")
    ACCESS_CONTROL = "access_control", _("Control access to facilities")
    SCREEN_EXITS = "screen_exits", _("Screen exits")
    DEFLECT_OFFENDERS = "deflect_offenders", _("Deflect offenders")
    CONTROL_TOOLS = "control_tools", _("Control tools and weapons")
    # Increase the risks
    EXTEND_GUARDIANSHIP = "extend_guardianship", _("Extend guardianship")
    NATURAL_SURVEILLANCE = "natural_surveillance", _("Assist natural surveillance")
    REDUCE_ANONYMITY = "reduce_anonymity", _("Reduce anonymity")
    PLACE_MANAGERS = "place_managers", _("Utilise place managers")
    FORMAL_SURVEILLANCE = "formal_surveillance", _("Strengthen formal surveillance")
    # Reduce the rewards
    CONCEAL_TARGETS = "conceal_targets", _("Conceal targets")
    REMOVE_TARGETS = "remove_targets", _("Remove targets")
    IDENTIFY_PROPERTY = "identify_property", _("Identify property")
    DISRUPT_MARKETS = "disrupt_markets", _("Disrupt markets")
    DENY_BENEFITS = "deny_benefits", _("Deny benefits")
    # Reduce provocations
    REDUCE_FRUSTRATION = "reduce_frustration", _("Reduce frustrations and stress")
    AVOID_DISPUTES = "avoid_disputes", _("Avoid disputes")
    REDUCE_AROUSAL = "reduce_arousal", _("Reduce emotional arousal")
    NEUTRALISE_PEER_PRESSURE = "neutralise_peer_pressure", _("Neutralise peer pressure")
    DISCOURAGE_IMITATION = "discourage_imitation", _("Discourage imitation")
    # Remove excuses
    SET_RULES = "set_rules", _("Set rules")
    POST_INSTRUCTIONS = "post_instructions", _("Post instructions")
    ALERT_CONSCIENCE = "alert_conscience", _("Alert conscience")
    ASSIST_COMPLIANCE = "assist_compliance", _("Assist compliance")
    CONTROL_DRUGS_ALCOHOL = "control_drugs_alcohol", _("Control drugs and alcohol")


AIMS = [
    (_("Increase the effort"), list(Technique)[0:5]),
    (_("Increase the risks"), list(Technique)[5:10]),
    (_("Reduce the rewards"), list(Technique)[10:15]),
    (_("Reduce provocations"), list(Technique)[15:20]),
    (_("Remove excuses"), list(Technique)[20:25]),
]


def aim_of(technique: str) -> str:
    """The aim a technique serves, for grouping in the yearly follow-up."""
    for aim, techniques in AIMS:
        if technique in techniques:
            return str(aim)
    return ""
