"""``python -m mock_provider serve``."""

from .cli import main

raise SystemExit(main())
