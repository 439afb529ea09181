"""Class mode's store: the rooms a lecturer opens, their rounds, and what the students submit in each (SQLite by
default, PostgreSQL when LLL_DATABASE_URL names one). It imports nothing of the project's other folders."""

from rooms.store import NotTeacher, Refused, Round, Store, Submission, open_store

__all__ = ["NotTeacher", "Refused", "Round", "Store", "Submission", "open_store"]
