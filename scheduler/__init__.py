"""The weekly tip: rotation, the delivery ledger, and the APScheduler jobs that post it.

The scheduler asks the handlers for the tip and the adapters' posters to post it; it never talks to a platform
directly.
"""
