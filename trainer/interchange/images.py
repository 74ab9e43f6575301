"""Images found in an imported document: kept when they are a kind the content may use."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IMAGE_TYPES", "MAX_IMAGE_BYTES", "ImageStore"]

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024


@dataclass
class ImageStore:
    """Collects a document's images as `image-N.ext` for modules/assets/<module id>/."""

    module_id: str
    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    def add(self, data: bytes, content_type: str, where: str, alt: str | None = None) -> str | None:
        """Keep an image; return its Markdown path (`assets/<id>/image-N.ext`), or None (noted).

        `alt` is the image's description when the document holds it apart (None: it is elsewhere).
        """
        extension = IMAGE_TYPES.get(content_type.lower())
        if extension is None:
            self.left_out.append(f"{where}: an image of type {content_type or 'unknown'} was left out "
                              "(only PNG, JPEG, GIF and WebP are shown): export it as PNG and add it")
            return None
        name = f"image-{len(self.files) + 1}.{extension}"
        self.files[name] = data
        if len(data) > MAX_IMAGE_BYTES:
            self.notes.append(f"{where}: {name} is larger than 2 MB: make it smaller before "
                              "the workshop")
        if alt is not None and not alt.strip():
            self.notes.append(f"{where}: {name} has no description: write one between its "
                              "brackets, ![like this](...), for screen readers")
        return f"assets/{self.module_id}/{name}"
