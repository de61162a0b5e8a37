"""Words the product writes in a fixed way wherever it names things: acronyms in capitals."""

import re

ACRONYMS = frozenset(
    "api sso saml scim csv sql json ui ux sdk pdf crm erp oauth gdpr sla ip vat mfa ai nps arr"
    " uk us eu utc jit url".split()
)
# Names with a spelling of their own rather than all capitals.
SPELLINGS = {acronym: acronym.upper() for acronym in ACRONYMS} | {"ios": "iOS"}
_ACRONYM = re.compile(rf"\b({'|'.join(sorted(SPELLINGS))})\b")


def spell_acronyms(words: str) -> str:
    """``"sso login"`` -> ``"SSO login"``, ``"ios app"`` -> ``"iOS app"``: fixed spellings."""
    return _ACRONYM.sub(lambda match: SPELLINGS[match[1]], words)
