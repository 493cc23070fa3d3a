"""The curated knowledge (YAML files in ``knowledge/``): model, loader and validation."""

from t2bot.knowledge.loader import KnowledgeError, load_knowledge
from t2bot.knowledge.model import Knowledge

__all__ = ["Knowledge", "KnowledgeError", "load_knowledge"]
