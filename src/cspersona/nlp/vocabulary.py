"""Words the product writes in a fixed way wherever it names things: acronyms in capitals."""

import re

ACRONYMS = frozenset(
    "api sso saml scim csv sql json ui ux sdk pdf crm erp oauth gdpr sla ip vat mfa ai nps arr"
    " uk us eu".split()
)
_ACRONYM = re.compile(rf"\b({'|'.join(sorted(ACRONYMS))})\b")


def spell_acronyms(words: str) -> str:
    """``"sso login"`` -> ``"SSO login"``: the acronyms in ``words``, in capitals."""
    return _ACRONYM.sub(lambda match: match[1].upper(), words)
