"""The reference client's assertion builder, as the tests import it."""

from __future__ import annotations

from pytest_oauthcc.client import assertion
from pytest_oauthcc.client.assertion import (
    CLIENT_ASSERTION_TYPE,
    AssertionSigner,
    private_key_signer,
    secret_signer,
)

__all__ = [
    "CLIENT_ASSERTION_TYPE",
    "AssertionSigner",
    "assertion",
    "private_key_signer",
    "secret_signer",
]
