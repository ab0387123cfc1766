"""Background work of open data (core.tasks): writing a feed's file, declared beside what it
writes (opendata.feeds); imported here so that the worker finds it."""

from .feeds import write_feed  # noqa: F401
