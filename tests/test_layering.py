"""The rules of the layers (docs: DESIGN.md, "Rules of the layers"), read from the imports.

Rule 1: no import cycle among the project's modules, counting `TYPE_CHECKING` imports and
        imports inside functions.
Rule 2: mock_provider never imports pytest or pytest_oauthcc.
Rule 3: mock_provider.protocol imports only itself, the standard library and light pure
        libraries: no other part of mock_provider, no HTTP stack.
Rule 4: below the facade, code types against the state/core, never against MockProvider; only
        the facade reaches down into the transports.
Rule 5: the reference client knows no pytest, no plugin, no config format; the config format
        knows no plugin.
Rule 6: pytest_oauthcc uses only what mock_provider exports (its two import points' __all__).
Rule 7: rooms are small: at most 14 modules directly in a package folder, 400 lines a module.

The rules are the tables below; tests/layering.py reads the tree and applies them. The tests
at the bottom prove on synthetic trees that each kind of breach is caught, message and all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.layering import Project, Rule, tree

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mock_provider", "src/pytest_oauthcc")
MAX_MODULES_PER_FOLDER = 14
MAX_LINES = 400

# Rule 4: who may import the facade (mock_provider.provider, and MockProvider & co. from the
# package's top level). The facade itself; the package __init__, which re-exports it; and the
# two modules that sit above it and build or drive a provider (the CLI, the scenario loader).
# `__main__` only runs the CLI.
FACADE_USERS = (
    "mock_provider",
    "mock_provider.__main__",
    "mock_provider.provider",
    *tree("mock_provider.cli"),
    "mock_provider.scenario",
)
# Rule 4: who may import mock_provider.transport. The facade reaches down into it
# (`provider.transport()`, `.serve()`, `.mock()`); its own modules import each other; the
# package __init__ re-exports ProviderServer / ProviderTransport / AsyncProviderTransport
# (names pytest_oauthcc may use); `mock_provider.server` is the public old path of
# ProviderServer (a re-export); the command line names the server type `provider.serve()`
# hands it.
# Nothing else: state, endpoints and control do not know how they are carried.
TRANSPORT_USERS = (
    "mock_provider",
    "mock_provider.provider",
    "mock_provider.server",
    *tree("mock_provider.cli"),
    *tree("mock_provider.transport"),
)
# Rule 3: libraries that carry HTTP; protocol code works on parsed requests, not on them.
HTTP_STACKS = ("httpx", "httpx2", "werkzeug", "respx", "requests", "aiohttp", "urllib3")
# Rule 6: mock_provider's import points for pytest_oauthcc (what DESIGN.md calls what it
# exports), exact module names.
EXPORTERS = ("mock_provider", "mock_provider.protocol")

RULES = (
    Rule(
        tree("mock_provider"),
        (*tree("pytest"), *tree("_pytest"), *tree("pytest_oauthcc")),
        "mock_provider never imports pytest or pytest_oauthcc",
    ),
    Rule(
        tree("mock_provider.protocol"),
        tree("mock_provider"),
        "protocol imports only protocol, the standard library and pure libraries",
        except_targets=tree("mock_provider.protocol"),
    ),
    Rule(
        tree("mock_provider.protocol"),
        tuple(pattern for stack in HTTP_STACKS for pattern in tree(stack)),
        "protocol code is pure: no HTTP stack",
    ),
    Rule(
        tree("mock_provider"),
        ("mock_provider", *tree("mock_provider.provider")),
        "below the facade, code types against the state/core, never against MockProvider",
        except_importers=FACADE_USERS,
    ),
    Rule(
        tree("mock_provider"),
        tree("mock_provider.transport"),
        "only the facade (mock_provider.provider) reaches down into the transports",
        except_importers=TRANSPORT_USERS,
    ),
    Rule(
        tree("pytest_oauthcc.client"),
        (*tree("pytest"), *tree("_pytest")),
        "the reference client is usable without pytest",
    ),
    Rule(
        tree("pytest_oauthcc.client"),
        (*tree("pytest_oauthcc.plugin"), *tree("pytest_oauthcc.connection")),
        "the reference client knows neither the plugin nor the config format",
    ),
    Rule(
        tree("pytest_oauthcc.connection"),
        tree("pytest_oauthcc.plugin"),
        "the config format and checker do not depend on the plugin",
    ),
    Rule(
        tree("pytest_oauthcc"),
        tree("mock_provider"),
        "pytest_oauthcc uses only what mock_provider exports "
        "(mock_provider and mock_provider.protocol)",
        except_targets=EXPORTERS,
    ),
)


def check_cycles(project: Project) -> list[str]:
    return project.cycles()


def check_rules(project: Project) -> list[str]:
    return project.broken(RULES) + project.unexported(tree("pytest_oauthcc"), EXPORTERS)


def check_sizes(project: Project) -> list[str]:
    return project.oversized(MAX_MODULES_PER_FOLDER, MAX_LINES)


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(ROOT, PACKAGES)


def test_no_import_cycle(project: Project) -> None:
    problems = check_cycles(project)
    assert not problems, "\n".join(problems)


def test_imports_keep_the_rules_of_the_layers(project: Project) -> None:
    problems = check_rules(project)
    assert not problems, "\n".join(problems)


def test_packages_are_folders_of_small_rooms(project: Project) -> None:
    problems = check_sizes(project)
    assert not problems, "\n".join(problems)


def test_the_real_tree_is_read(project: Project) -> None:
    # The checks above pass vacuously if nothing is found: the tree is the project's.
    assert {"mock_provider", "pytest_oauthcc", "pytest_oauthcc.plugin"} <= set(project.modules)
    assert any(imp.importer == "pytest_oauthcc.plugin" for imp in project.imports)


# --- the checker catches what it should, on synthetic trees -------------------------------


def write(root: Path, files: dict[str, str]) -> Project:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").touch()
    return Project(root, PACKAGES)


def test_a_cycle_through_type_checking_is_reported_with_every_edge(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            "mock_provider/state.py": "from mock_provider import endpoints\n",
            "mock_provider/endpoints.py": (
                "from __future__ import annotations\n"
                "from typing import TYPE_CHECKING\n"
                "\n"
                "if TYPE_CHECKING:\n"
                "    from .state import State\n"
            ),
        },
    )
    assert check_cycles(project) == [
        "import cycle: mock_provider.endpoints -> mock_provider.state -> mock_provider.endpoints\n"
        "  mock_provider/endpoints.py:5: mock_provider.endpoints imports State from "
        "mock_provider.state (TYPE_CHECKING)\n"
        "  mock_provider/state.py:1: mock_provider.state imports mock_provider.endpoints"
    ]


def test_a_cycle_through_a_function_and_a_package_init_is_reported(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            "mock_provider/__init__.py": "from .app import App\n",
            "mock_provider/app.py": "from .faults import Fault\n",
            "mock_provider/faults/__init__.py": "from .fault import Fault\n",
            "mock_provider/faults/fault.py": "def fault():\n    from .. import App\n",
        },
    )
    assert check_cycles(project) == [
        "import cycle: mock_provider -> mock_provider.app -> mock_provider.faults"
        " -> mock_provider.faults.fault -> mock_provider\n"
        "  mock_provider/__init__.py:1: mock_provider imports App from mock_provider.app\n"
        "  mock_provider/app.py:1: mock_provider.app imports Fault from mock_provider.faults\n"
        "  mock_provider/faults/__init__.py:1: mock_provider.faults imports Fault from "
        "mock_provider.faults.fault\n"
        "  mock_provider/faults/fault.py:2: mock_provider.faults.fault imports App from "
        "mock_provider (in a function)"
    ]


def test_an_init_that_re_exports_its_children_is_no_cycle(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            "mock_provider/__init__.py": "from .protocol import Request\nfrom .state import S\n",
            "mock_provider/protocol/__init__.py": "from .http import Request\n",
            "mock_provider/protocol/http.py": "from . import redaction\n",
            "mock_provider/protocol/redaction.py": "import hashlib\n",
            "mock_provider/state.py": "import mock_provider.protocol.http\n",
        },
    )
    assert check_cycles(project) == []
    assert check_rules(project) == []


def test_a_self_import_is_a_cycle(tmp_path: Path) -> None:
    project = write(tmp_path, {"src/pytest_oauthcc/cli.py": "from pytest_oauthcc import cli\n"})
    assert check_cycles(project) == [
        "import cycle: pytest_oauthcc.cli -> pytest_oauthcc.cli\n"
        "  src/pytest_oauthcc/cli.py:1: pytest_oauthcc.cli imports pytest_oauthcc.cli"
    ]


def test_two_separate_cycles_are_two_messages_and_a_big_one_names_its_members(
    tmp_path: Path,
) -> None:
    project = write(
        tmp_path,
        {
            "mock_provider/a.py": "from . import b, c\n",
            "mock_provider/b.py": "from . import a\n",
            "mock_provider/c.py": "from . import b\n",
            "src/pytest_oauthcc/x.py": "from . import y\n",
            "src/pytest_oauthcc/y.py": "from . import x\n",
        },
    )
    assert check_cycles(project) == [
        "import cycle: mock_provider.a -> mock_provider.b -> mock_provider.a\n"
        "  mock_provider/a.py:1: mock_provider.a imports mock_provider.b\n"
        "  mock_provider/b.py:1: mock_provider.b imports mock_provider.a\n"
        "  (one of the cycles among 3 modules: mock_provider.a, mock_provider.b, "
        "mock_provider.c)",
        "import cycle: pytest_oauthcc.x -> pytest_oauthcc.y -> pytest_oauthcc.x\n"
        "  src/pytest_oauthcc/x.py:1: pytest_oauthcc.x imports pytest_oauthcc.y\n"
        "  src/pytest_oauthcc/y.py:1: pytest_oauthcc.y imports pytest_oauthcc.x",
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"mock_provider/app.py": "def f():\n    import pytest\n"},
            "mock_provider/app.py:2: mock_provider.app imports pytest (in a function): "
            "mock_provider never imports pytest or pytest_oauthcc",
            id="rule2-pytest",
        ),
        pytest.param(
            {"mock_provider/cli.py": "from pytest_oauthcc.client import ClientCredentials\n"},
            "mock_provider/cli.py:1: mock_provider.cli imports ClientCredentials from "
            "pytest_oauthcc.client: mock_provider never imports pytest or pytest_oauthcc",
            id="rule2-pytest_oauthcc",
        ),
        pytest.param(
            {
                "mock_provider/state/__init__.py": "",
                "mock_provider/protocol/rfc6749.py": (
                    "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n"
                    "    from ..state import Store\n"
                ),
            },
            "mock_provider/protocol/rfc6749.py:3: mock_provider.protocol.rfc6749 imports Store "
            "from mock_provider.state (TYPE_CHECKING): "
            "protocol imports only protocol, the standard library and pure libraries",
            id="rule3-state",
        ),
        pytest.param(
            {"mock_provider/protocol/http.py": "import werkzeug.datastructures\n"},
            "mock_provider/protocol/http.py:1: mock_provider.protocol.http imports "
            "werkzeug.datastructures: protocol code is pure: no HTTP stack",
            id="rule3-werkzeug",
        ),
        pytest.param(
            {
                "mock_provider/provider.py": "",
                "mock_provider/endpoints.py": "from .provider import MockProvider, Resource\n",
            },
            "mock_provider/endpoints.py:1: mock_provider.endpoints imports MockProvider, "
            "Resource from "
            "mock_provider.provider: "
            "below the facade, code types against the state/core, never against MockProvider",
            id="rule4-facade-module",
        ),
        pytest.param(
            {"mock_provider/control/routes.py": "from mock_provider import MockProvider\n"},
            "mock_provider/control/routes.py:1: mock_provider.control.routes imports "
            "MockProvider from mock_provider: "
            "below the facade, code types against the state/core, never against MockProvider",
            id="rule4-facade-package",
        ),
        pytest.param(
            {
                "mock_provider/transport/__init__.py": "",
                "mock_provider/transport/server.py": "",
                "mock_provider/control/app.py": "from ..transport import server\n",
            },
            "mock_provider/control/app.py:1: mock_provider.control.app imports "
            "mock_provider.transport.server: "
            "only the facade (mock_provider.provider) reaches down into the transports",
            id="rule4-transport",
        ),
        pytest.param(
            {"src/pytest_oauthcc/client/flow.py": "import _pytest.fixtures\n"},
            "src/pytest_oauthcc/client/flow.py:1: pytest_oauthcc.client.flow imports "
            "_pytest.fixtures: the reference client is usable without pytest",
            id="rule5-client-pytest",
        ),
        pytest.param(
            {
                "src/pytest_oauthcc/connection/__init__.py": "",
                "src/pytest_oauthcc/client.py": "from .connection import Connection\n",
            },
            "src/pytest_oauthcc/client.py:1: pytest_oauthcc.client imports Connection from "
            "pytest_oauthcc.connection: "
            "the reference client knows neither the plugin nor the config format",
            id="rule5-client-connection",
        ),
        pytest.param(
            {
                "src/pytest_oauthcc/plugin/__init__.py": "",
                "src/pytest_oauthcc/plugin/options.py": "",
                "src/pytest_oauthcc/connection/steps/token.py": (
                    "from ...plugin.options import LIVE\n"
                ),
            },
            "src/pytest_oauthcc/connection/steps/token.py:1: "
            "pytest_oauthcc.connection.steps.token imports LIVE from "
            "pytest_oauthcc.plugin.options: "
            "the config format and checker do not depend on the plugin",
            id="rule5-connection-plugin",
        ),
        pytest.param(
            {"src/pytest_oauthcc/plugin.py": "from mock_provider.recording import redact\n"},
            "src/pytest_oauthcc/plugin.py:1: pytest_oauthcc.plugin imports redact from "
            "mock_provider.recording: pytest_oauthcc uses only what mock_provider exports "
            "(mock_provider and mock_provider.protocol)",
            id="rule6-module",
        ),
        pytest.param(
            {
                "mock_provider/__init__.py": '__all__ = ["MockProvider"]\n',
                "src/pytest_oauthcc/plugin.py": "from mock_provider import _clock, MockProvider\n",
            },
            "src/pytest_oauthcc/plugin.py:1: pytest_oauthcc.plugin imports _clock from "
            "mock_provider: _clock is not in mock_provider.__all__",
            id="rule6-unexported-name",
        ),
        pytest.param(
            {
                "mock_provider/protocol/__init__.py": "from .http import Request\n",
                "src/pytest_oauthcc/client.py": "from mock_provider.protocol import Request\n",
            },
            "src/pytest_oauthcc/client.py:1: pytest_oauthcc.client imports Request from "
            "mock_provider.protocol: mock_provider.protocol has no static __all__",
            id="rule6-no-all",
        ),
    ],
)
def test_a_broken_rule_is_reported_naming_the_import(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    assert check_rules(write(tmp_path, files)) == [message]


def test_what_the_rules_allow_is_not_reported(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            "mock_provider/__init__.py": (
                "from .provider import MockProvider\n"
                "from .transport import ProviderServer\n"
                "from .protocol import Request\n"
                '__all__ = ["MockProvider", "ProviderServer", "Request"]\n'
            ),
            "mock_provider/provider.py": "from .transport.server import ProviderServer\n",
            "mock_provider/transport/__init__.py": "from .server import ProviderServer\n",
            "mock_provider/transport/server.py": "import httpx\nfrom ..protocol import Request\n",
            "mock_provider/protocol/__init__.py": (
                '"""Pure."""\nfrom .http import Request\n__all__: list[str] = ["Request"]\n'
                '__all__ += ["fingerprint"]\n'
            ),
            "mock_provider/protocol/http.py": "import hashlib\nimport joserfc\n",
            "mock_provider/cli.py": "from mock_provider import MockProvider\n",
            "mock_provider/scenario.py": "from .provider import MockProvider\n",
            "mock_provider/app.py": "from .protocol.http import Request\n",
            "src/pytest_oauthcc/__init__.py": "from .client import ClientCredentials\n",
            "src/pytest_oauthcc/client.py": (
                "import httpx\nfrom mock_provider.protocol import Request, fingerprint\n"
            ),
            "src/pytest_oauthcc/plugin.py": (
                "import pytest\nimport mock_provider\nfrom mock_provider import MockProvider\n"
                "from mock_provider import protocol\nfrom .client import ClientCredentials\n"
            ),
        },
    )
    assert check_rules(project) == []
    assert check_cycles(project) == []


def test_a_crowded_folder_and_a_long_module_are_reported(tmp_path: Path) -> None:
    files = {f"mock_provider/m{n:02d}.py": "" for n in range(15)}
    files["mock_provider/state/__init__.py"] = ""
    files["mock_provider/state/store.py"] = "x = 1\n" * 401
    files["mock_provider/state/log.py"] = "x = 1\n" * 400
    files.update({f"src/pytest_oauthcc/m{n:02d}.py": "" for n in range(14)})
    assert check_sizes(write(tmp_path, files)) == [
        "mock_provider/ holds 15 modules directly (at most 14): split it into subpackages "
        "by concept",
        "mock_provider/state/store.py has 401 lines (at most 400): split it by concept",
    ]
