"""@pytest.mark.oauth_provider(...): every option, the merge order, typos and bad values."""

from __future__ import annotations

import pytest

VALID = (
    "valid options: clients, scopes, expires_in, token_format, access_token_alg, issuer, "
    "quirks, faults, "
    "clock, clock_start, tls, max_requests, assert_all_faults_fired, "
    "assert_all_requests_matched, "
    "assert_no_provider_errors"
)

TOKEN_HELPER = """
import httpx

def token(provider, client_id="demo-client", secret="demo-secret", **form):
    return httpx.post(provider.token_url, data={"grant_type": "client_credentials", **form},
                      auth=(client_id, secret))
"""


def test_marker_options_configure_the_provider(pytester: pytest.Pytester):
    pytester.makepyfile(
        helpers=TOKEN_HELPER,
        test_options="""
        import httpx
        import pytest
        from helpers import token

        @pytest.mark.oauth_provider(clients={"svc": "svc-secret"}, scopes=["read", "write"])
        def test_clients_as_a_mapping_share_scopes(oauth_provider):
            assert token(oauth_provider, "svc", "svc-secret").json()["scope"] == "read write"
            assert oauth_provider.client("demo-client").scopes == ("read", "write")

        @pytest.mark.oauth_provider(clients=[
            {"client_id": "reader", "client_secret": "r-secret", "scopes": ["read"]},
            {"client_id": "short", "client_secret": "s-secret", "expires_in": 60},
        ])
        def test_clients_as_a_list_of_dicts(oauth_provider):
            assert token(oauth_provider, "reader", "r-secret").json()["scope"] == "read"
            assert token(oauth_provider, "short", "s-secret").json()["expires_in"] == 60
            assert sorted(oauth_provider.clients) == ["demo-client", "reader", "short"]

        @pytest.mark.oauth_provider(expires_in=120)
        def test_expires_in(oauth_provider):
            assert token(oauth_provider).json()["expires_in"] == 120

        @pytest.mark.oauth_provider(token_format="jwt")
        def test_token_format_jwt(oauth_provider):
            assert token(oauth_provider).json()["access_token"].count(".") == 2
            assert httpx.get(oauth_provider.jwks_url).json()["keys"]
            assert oauth_provider.access_token_alg == "RS256"

        @pytest.mark.oauth_provider(token_format="jwt", access_token_alg="ES256")
        def test_access_token_alg(oauth_provider, oauth_server):
            from joserfc import jwt
            from joserfc.jwk import KeySet

            for provider in (oauth_provider, oauth_server):
                issued = token(provider).json()["access_token"]
                jwks = httpx.get(provider.jwks_url).json()
                assert [key["alg"] for key in jwks["keys"]] == ["ES256"]
                decoded = jwt.decode(issued, KeySet.import_key_set(jwks), algorithms=["ES256"])
                assert decoded.header["alg"] == "ES256"
                me = httpx.get(provider.me_url, headers={"Authorization": f"Bearer {issued}"})
                assert me.status_code == 200

        @pytest.mark.oauth_provider(issuer="https://login.tenant.test/t1")
        def test_issuer(oauth_provider):
            assert oauth_provider.token_url == "https://login.tenant.test/t1/oauth/token"
            assert token(oauth_provider).status_code == 200

        @pytest.mark.oauth_provider(clock_start=1_700_000_000)
        def test_clock_start(oauth_provider):
            token(oauth_provider)
            assert oauth_provider.tokens[0].issued_at == 1_700_000_000

        @pytest.mark.oauth_provider(quirks={"token_type": "bearer"})
        def test_quirks_provider_wide(oauth_provider):
            assert token(oauth_provider).json()["token_type"] == "bearer"

        @pytest.mark.oauth_provider(
            clients={"svc": "svc-secret"},
            quirks=[{"client_id": "svc", "expires_in_as": "string"}],
        )
        def test_quirks_per_client(oauth_provider):
            assert token(oauth_provider, "svc", "svc-secret").json()["expires_in"] == "3600"
            assert token(oauth_provider).json()["expires_in"] == 3600

        @pytest.mark.oauth_provider(faults=[
            {"endpoint": "token", "status": 503},
            {"endpoint": "token", "error": "invalid_client", "times": 1},
        ])
        def test_faults_fire_in_order(oauth_provider):
            assert token(oauth_provider).status_code == 503
            assert token(oauth_provider).json()["error"] == "invalid_client"
            assert token(oauth_provider).status_code == 200

        @pytest.mark.oauth_provider(max_requests=3)
        def test_max_requests(oauth_provider, oauth_server):
            for provider in (oauth_provider, oauth_server):
                for _ in range(5):
                    token(provider)
                assert len(provider.requests) == 3
                assert provider.core.request_log.dropped == 2
        """,
    )
    pytester.runpytest().assert_outcomes(passed=11)


def test_closest_marker_wins_function_over_class_over_module(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.oauth_provider(expires_in=10, clients={"mod": "mod-secret"})

        def test_module(oauth_provider):
            assert oauth_provider.expires_in == 10
            assert sorted(oauth_provider.clients) == ["demo-client", "mod"]

        @pytest.mark.oauth_provider(expires_in=20, token_format="jwt")
        class TestClass:
            def test_class(self, oauth_provider):
                assert oauth_provider.expires_in == 20
                assert oauth_provider.token_format == "jwt"
                assert "mod" in oauth_provider.clients

            @pytest.mark.oauth_provider(expires_in=30, clients={"fn": "fn-secret"})
            def test_function(self, oauth_provider, oauth_server, make_oauth_provider):
                for provider in (oauth_provider, oauth_server, make_oauth_provider()):
                    assert provider.expires_in == 30
                    assert provider.token_format == "jwt"
                    assert sorted(provider.clients) == ["demo-client", "fn"]
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        pytest.param(
            "expire_in=5",
            "@pytest.mark.oauth_provider() got an unexpected keyword argument 'expire_in' "
            f"(did you mean 'expires_in'?); {VALID}",
            id="typo-with-a-suggestion",
        ),
        pytest.param(
            "colour='blue'",
            f"@pytest.mark.oauth_provider() got an unexpected keyword argument 'colour'; {VALID}",
            id="unknown-option",
        ),
        pytest.param(
            "{'svc': 'secret'}",
            "@pytest.mark.oauth_provider() takes keyword arguments only, got 1 positional; "
            + VALID,
            id="positional",
        ),
    ],
)
def test_marker_typos_fail_as_type_errors_listing_valid_options(
    pytester: pytest.Pytester, marker: str, message: str
):
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.oauth_provider({marker})
        def test_typo(oauth_provider):
            pass
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"E   TypeError: {message}"])
    result.stdout.no_fnmatch_line("*def oauth_provider*")


def test_a_typo_in_an_outer_marker_fails_too(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.oauth_provider(expires_in=5, tsl=True)

        @pytest.mark.oauth_provider(tls=True)
        def test_inner(oauth_server):
            pass
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "E   TypeError: @pytest.mark.oauth_provider() got an unexpected keyword argument "
            f"'tsl' (did you mean 'tls'?); {VALID}"
        ]
    )


# (test id, marker arguments, the reason in the ValueError)
INVALID_VALUES = [
    ("token_format", "token_format='jws'", "token_format must be 'opaque' or 'jwt', got 'jws'"),
    (
        "access_token_alg",
        "access_token_alg='HS256'",
        "access_token_alg must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, "
        "ES384, ES512, EdDSA, got 'HS256'",
    ),
    ("clock", "clock='wall'", "clock must be 'manual' or 'process', got 'wall'"),
    ("expires_in", "expires_in='60'", "expires_in must be whole seconds, got '60'"),
    ("scopes", "scopes='read write'", "scopes must be a list of scope names, got 'read write'"),
    (
        "clients",
        "clients=['svc']",
        'clients must be {"id": "secret", ...} or a list of dicts, got list',
    ),
    (
        "faults",
        "faults={'endpoint': 'token'}",
        "faults must be a list of dicts of add_fault() arguments",
    ),
    ("max_requests", "max_requests=0", "max_requests must be >= 1, got 0"),
    ("max_requests_type", "max_requests=1.5", "max_requests must be a whole number, got 1.5"),
    (
        "switch",
        "assert_all_faults_fired='no'",
        "assert_all_faults_fired must be True or False, got 'no'",
    ),
]


def test_invalid_marker_values_fail_with_the_reason(pytester: pytest.Pytester):
    # One inner run for the whole table: each case is its own test function there.
    pytester.makepyfile(
        "import pytest\n"
        + "".join(
            f"\n@pytest.mark.oauth_provider({marker})\ndef test_{name}(oauth_provider):\n    pass\n"
            for name, marker, _ in INVALID_VALUES
        )
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(errors=len(INVALID_VALUES))
    result.stdout.fnmatch_lines(
        [
            f"E   ValueError: invalid @pytest.mark.oauth_provider() options: {message}"
            for _, _, message in INVALID_VALUES
        ]
    )


def test_invalid_client_fault_or_quirk_fails_with_the_providers_message(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.oauth_provider(clients=[{"client_id": "svc", "secret": "x"}])
        def test_client(oauth_provider):
            pass

        @pytest.mark.oauth_provider(faults=[{"endpoint": "token", "times": 0}])
        def test_fault(oauth_provider):
            pass

        @pytest.mark.oauth_provider(quirks={"token_typ": "bearer"})
        def test_quirk(oauth_provider):
            pass
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "E   TypeError: MockProvider.add_client() got an unexpected keyword argument 'secret'",
            "E   ValueError: invalid fault: times must be a whole number >= 1 or None, got 0",
            "E   TypeError: *token_typ*",
        ]
    )


def test_markers_are_registered_with_their_signature(pytester: pytest.Pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.oauth_provider(*, clients=None, scopes=(), expires_in=3600, "
            "token_format='opaque', access_token_alg='RS256', issuer=None, quirks=None, "
            "faults=(), clock='manual', "
            "clock_start=None, tls=False, max_requests=10000, assert_all_faults_fired=True, "
            "assert_all_requests_matched=True, assert_no_provider_errors=True): configure the "
            "oauth_provider, oauth_server, oauth_client and make_oauth_provider fixtures of a "
            "test, class or module (closest wins).",
            "@pytest.mark.oauthcc(config, fields=None, live=False): bind a test to the "
            "connection file `config` (fixture oauthcc_connection).",
        ]
    )
