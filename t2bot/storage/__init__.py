"""Storage: what members chose to keep and the servers' settings (sqlmodel; SQLite or PostgreSQL).

store = Store("sqlite:///data/t2bot.sqlite3", retention_days=180)
await store.start()          # creates the file, applies the migrations
await store.save_result(...) # every method runs in a worker thread; may raise StoreUnavailable
await store.close()
"""

from t2bot.storage.database import StoreConfigError
from t2bot.storage.records import FollowUp, GuildSettings, Reminder, SavedResult
from t2bot.storage.store import Store, StoreBusy, StoreUnavailable

__all__ = [
    "FollowUp",
    "GuildSettings",
    "Reminder",
    "SavedResult",
    "Store",
    "StoreBusy",
    "StoreConfigError",
    "StoreUnavailable",
]
