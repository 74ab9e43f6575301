"""The author preview (blueprint `author`, /author/): modules as their authors see them, live.

Never part of the trainee app: `trainer preview` serves `create_preview_app` on 127.0.0.1 only.
"""

from __future__ import annotations

from trainer.web.author.views import create_preview_app, register_author_preview

__all__ = ["create_preview_app", "register_author_preview"]
