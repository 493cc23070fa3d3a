"""Holds the knowledge in use; a reload that fails keeps the old knowledge serving."""

from __future__ import annotations

import logging
from pathlib import Path

from t2bot.knowledge.loader import KnowledgeError, load_knowledge
from t2bot.knowledge.model import Knowledge

log = logging.getLogger(__name__)


class KnowledgeHolder:
    def __init__(self, folder: Path, knowledge: Knowledge) -> None:
        self.folder = folder
        self.current = knowledge

    @classmethod
    def load(cls, folder: Path) -> KnowledgeHolder:
        return cls(folder, load_knowledge(folder))

    def reload(self) -> Knowledge:
        """Load again; on error raise ``KnowledgeError`` and keep serving the old knowledge."""
        try:
            fresh = load_knowledge(self.folder)
        except KnowledgeError as exc:
            log.warning(
                "knowledge reload failed with %d problem(s); old version kept", len(exc.problems)
            )
            raise
        log.info("knowledge reloaded: version %s -> %s", self.current.version, fresh.version)
        self.current = fresh
        return fresh
