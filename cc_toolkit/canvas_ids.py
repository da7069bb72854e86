"""Canvas's export identifiers (facts from the Canvas source, CC::CCHelper.create_key).

Every object in a Common Cartridge or QTI export is keyed ("i" or "g") + md5(prepend + asset_string),
lowercase hex. "i" keys hash the local id; "g" keys hash the global id (shard * 10**13 + local id).
"""
from __future__ import annotations

import hashlib

SHARD_FACTOR = 10**13

# select keys -> Canvas asset_string type names
ASSET_TYPES = {
    "wiki_page": "wiki_page",
    "assignment": "assignment",
    "quiz": "quizzes:quiz",
    "discussion_topic": "discussion_topic",
    "context_module": "context_module",
    "content_tag": "content_tag",
    "attachment": "attachment",
    "folder": "folder",
    "assessment_question_bank": "assessment_question_bank",
    "assignment_group": "assignment_group",
    "rubric": "rubric",
    "learning_outcome": "learning_outcome",
    "calendar_event": "calendar_event",
    "context_external_tool": "context_external_tool",
    "course": "course",
}


def global_id(local_id: int, shard: int) -> int:
    return local_id if local_id >= SHARD_FACTOR else shard * SHARD_FACTOR + local_id


def asset_string(asset_type: str, object_id: int | str) -> str:
    return f"{ASSET_TYPES.get(asset_type, asset_type)}_{object_id}"


def create_key(asset_type: str, object_id: int, prepend: str = "", mode: str = "i", shard: int = 0) -> str:
    """The identifier Canvas writes for an object: create_key("wiki_page", 5) == "i65ed31dd97cc93f9f677393809156247"."""
    if mode == "g":
        object_id = global_id(int(object_id), shard)
    digest = hashlib.md5((prepend + asset_string(asset_type, object_id)).encode("utf-8")).hexdigest()
    return mode + digest
