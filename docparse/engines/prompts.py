"""Chat messages for one page request, in the OpenAI chat-completions shape vLLM serves.

System prompt (when the spec has one), then one user turn: the page image as a ``data:`` URL
followed by the format-triggering text (``QwenVL HTML``). Raw RGB pages are encoded to PNG here,
once per request, because a chat endpoint only takes encoded images.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from schemas.engine import EngineRequest, ModelSpec
from schemas.page import ImageEncoding, PageImage


def encode_png(image: PageImage) -> bytes:
    """PNG bytes for ``image``: unchanged when already PNG, encoded with Pillow when raw RGB."""
    if image.encoding is ImageEncoding.PNG:
        return image.data
    if image.encoding is not ImageEncoding.RAW:
        raise ValueError(f"cannot re-encode {image.encoding.value} pixels as PNG")
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (image.width, image.height), image.data).save(buffer, format="PNG")
    return buffer.getvalue()


def image_data_url_bytes(image: PageImage) -> bytes:
    """``data:image/png;base64,...`` as ASCII bytes (JPEG pages keep theirs as ``image/jpeg``)."""
    if image.encoding is ImageEncoding.JPEG:
        mime, data = image.mime_type, image.data
    else:
        mime, data = "image/png", encode_png(image)
    return b"data:%s;base64,%s" % (mime.encode("ascii"), base64.b64encode(data))


def image_data_url(image: PageImage) -> str:
    """``data:image/png;base64,...`` (JPEG pages keep their bytes as ``image/jpeg``)."""
    return image_data_url_bytes(image).decode("ascii")


def chat_messages(spec: ModelSpec, image_url: str) -> list[dict[str, Any]]:
    """Messages asking ``spec``'s question about the image at ``image_url``."""
    return prompt_messages(spec.system_prompt, spec.prompt.value, image_url)


def prompt_messages(system_prompt: str | None, prompt: str, image_url: str) -> list[dict[str, Any]]:
    """The system prompt (when there is one), then the image at ``image_url`` and ``prompt``."""
    messages: list[dict[str, Any]] = []
    if system_prompt:
        messages.append({"role": "system", "content": system_prompt})
    messages.append(
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": image_url}},
                {"type": "text", "text": prompt},
            ],
        }
    )
    return messages


def build_messages(request: EngineRequest) -> list[dict[str, Any]]:
    """Chat messages for ``request``: its spec's prompts around its page image."""
    return chat_messages(request.spec, image_data_url(request.page.image))
