"""``python -m cli``: the ``leadbox`` command without the installed script."""

from __future__ import annotations

from cli import main

raise SystemExit(main())
