from __future__ import annotations

# The broken and invalid connection files are fixtures read by these tests; they must not be
# collected as connection checks themselves (they fail on purpose).
collect_ignore_glob = ["broken/*", "invalid/*"]
