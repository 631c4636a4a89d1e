"""What looks like a credential: names (of fields, parameters, headers) and values.

One piece of code for every rule that must recognise a credential written where it does
not belong: the fields lint (a field named ``API Key`` must be secret) and the
request-defaults lint (``query: {api_key: "sk_live_..."}`` must not be in the file).

Layering: the standard library only.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

__all__ = ["credential_value_kind", "names_a_credential"]

# Words that make a name look like a credential. ``authorization``, ``cookie`` and
# ``signature`` are the header forms (Authorization, Proxy-Authorization, Cookie,
# X-Signature); ``key`` only as the last word, so ``key_id`` or ``monkey`` stay plain.
_CREDENTIAL_WORDS = re.compile(
    r"secret|passw(or)?d|passphrase|token|credential|private|api[\s_-]?key|authori[sz]ation"
    r"|cookie|signature|(^|[\s_-])key$",
    re.IGNORECASE,
)

# Formats vendors give their secrets, recognisable on sight (their docs publish them).
_KNOWN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a Stripe secret key", re.compile(r"^(sk|rk)_(live|test)_[0-9A-Za-z]{8,}$")),
    ("a GitHub token", re.compile(r"^(gh[pousr]_[0-9A-Za-z]{20,}|github_pat_\w{20,})$")),
    ("a GitLab token", re.compile(r"^glpat-[0-9A-Za-z_-]{20,}$")),
    ("a Slack token", re.compile(r"^xox[abposr]-[0-9A-Za-z-]{10,}$")),
    ("an AWS access key id", re.compile(r"^(AKIA|ASIA)[0-9A-Z]{16}$")),
    ("a Google API key", re.compile(r"^AIza[0-9A-Za-z_-]{35}$")),
    # RFC 7519 §3 / RFC 7515 §7.1: a JWS compact serialisation, whose header is a JSON
    # object and so base64url-encodes to "eyJ".
    ("a JWT", re.compile(r"^eyJ[0-9A-Za-z_-]+\.[0-9A-Za-z_-]+\.[0-9A-Za-z_-]*$")),
)
# Identifiers that look random but are not secrets: UUIDs (tenant and account ids).
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_TOKEN_CHARS = re.compile(r"^[0-9A-Za-z_\-+/=.~]+$")
_ALNUM_RUN = re.compile(r"[0-9A-Za-z_-]+")
# A generated credential is a long run of letters and digits (base64url adds - and _) that
# switches between lower case, upper case and digits often, at high entropy; words,
# versions, dates and names (``odata.maxpagesize``, ``my_service_v2``) switch rarely.
_MIN_RUN = 16
_MIN_SWITCHES = 0.25
_MIN_BITS_PER_CHAR = 3.0


def names_a_credential(name: str) -> bool:
    """Whether a field key or label, a parameter or a header name names a credential."""
    return _CREDENTIAL_WORDS.search(name) is not None


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def credential_value_kind(value: str) -> str | None:
    """What ``value`` looks like if it looks like a secret (``"a JWT"``), else ``None``.

    Recognised: vendor secret formats, JWTs, and random strings (a run of at least 16
    base64url characters that switches between lower case, upper case and digits often,
    at 3 bits of entropy per character or more). UUIDs and anything with spaces or
    ``://`` are not secrets.
    """
    text = value.strip()
    for kind, pattern in _KNOWN_FORMATS:
        if pattern.match(text):
            return kind
    if not _TOKEN_CHARS.match(text) or _UUID.match(text):
        return None
    run = max(_ALNUM_RUN.findall(text), key=len, default="")
    if len(run) < _MIN_RUN or not re.search(r"[0-9]", run) or not re.search(r"[A-Za-z]", run):
        return None
    classes = [0 if c.isdigit() else 1 if c.islower() else 2 for c in run if c.isalnum()]
    switches = sum(a != b for a, b in itertools.pairwise(classes)) / max(1, len(classes) - 1)
    if switches >= _MIN_SWITCHES and _entropy(run) >= _MIN_BITS_PER_CHAR:
        return "a random string (a generated key or token)"
    return None
