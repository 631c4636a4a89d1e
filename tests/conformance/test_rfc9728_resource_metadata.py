"""RFC 9728 (OAuth 2.0 Protected Resource Metadata) builders: location, document, challenge."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from mock_provider.protocol.rfc9728 import (
    resource_metadata,
    resource_metadata_param,
    resource_metadata_path,
    resource_metadata_url,
)


@pytest.mark.parametrize(
    ("resource", "url"),
    [
        pytest.param(
            "https://api.test",
            "https://api.test/.well-known/oauth-protected-resource",
            id="host-only",
        ),
        pytest.param(
            "https://api.test/",
            "https://api.test/.well-known/oauth-protected-resource",
            id="terminating-slash-after-host-removed",
        ),
        pytest.param(
            "https://api.test/api/me",
            "https://api.test/.well-known/oauth-protected-resource/api/me",
            id="path-inserted",
        ),
        pytest.param(
            "https://api.test/mcp/",
            "https://api.test/.well-known/oauth-protected-resource/mcp/",
            id="path-keeps-its-slash",
        ),
        pytest.param(
            "https://api.test/?tenant=a",
            "https://api.test/.well-known/oauth-protected-resource?tenant=a",
            id="query",
        ),
        pytest.param(
            "http://127.0.0.1:8080/api/me",
            "http://127.0.0.1:8080/.well-known/oauth-protected-resource/api/me",
            id="loopback-port",
        ),
    ],
)
def test_rfc9728_3_1_the_well_known_string_is_inserted_after_the_host(
    resource: str, url: str
) -> None:
    assert resource_metadata_url(resource) == url
    assert resource_metadata_path(resource) == urlsplit(url).path


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        pytest.param(
            "/api/me",
            "a resource identifier must be an absolute http(s) URL (RFC 9728 §1.2)",
            id="relative",
        ),
        pytest.param(
            "ftp://api.test/x",
            "a resource identifier must be an absolute http(s) URL (RFC 9728 §1.2)",
            id="scheme",
        ),
        pytest.param(
            "https://api.test/x#frag",
            "a resource identifier must have no fragment (RFC 9728 §1.2)",
            id="fragment",
        ),
    ],
)
def test_rfc9728_1_2_a_resource_identifier_is_an_absolute_url_without_fragment(
    resource: str, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        resource_metadata_url(resource)
    assert str(caught.value) == message


def test_rfc9728_2_the_document() -> None:
    doc = resource_metadata(
        "https://api.test/api/me",
        authorization_servers=["https://auth.test/tenant"],
        scopes=["read"],
    )
    assert doc == {
        "resource": "https://api.test/api/me",
        "authorization_servers": ["https://auth.test/tenant"],
        "bearer_methods_supported": ["header"],
        "scopes_supported": ["read"],
    }
    bare = resource_metadata("https://api.test", authorization_servers=["https://auth.test"])
    assert "scopes_supported" not in bare


def test_rfc9728_3_3_resource_is_identical_to_the_identifier() -> None:
    for resource in ("https://api.test/mcp/", "https://api.test"):
        assert resource_metadata(resource, authorization_servers=[])["resource"] == resource


def test_rfc9728_2_bearer_methods_are_those_of_rfc6750() -> None:
    doc = resource_metadata(
        "https://api.test", authorization_servers=[], bearer_methods=["header", "body"]
    )
    assert doc["bearer_methods_supported"] == ["header", "body"]
    with pytest.raises(ValueError, match="bearer_methods must be among"):
        resource_metadata("https://api.test", authorization_servers=[], bearer_methods=["cookie"])


def test_rfc9728_5_1_the_challenge_parameter() -> None:
    url = "https://api.test/.well-known/oauth-protected-resource/api/me"
    assert resource_metadata_param(url) == f'resource_metadata="{url}"'


@pytest.mark.parametrize("bad", ['https://a.test/"x', "https://a.test/\\x", "https://a.test/\nx"])
def test_rfc9728_5_1_a_url_that_cannot_be_a_quoted_string_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="must not contain"):
        resource_metadata_param(bad)
