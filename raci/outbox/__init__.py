"""The transactional outbox: events written in the transaction of the change that caused them and
dispatched to registered handlers after commit, with a sweep for enqueues that were lost.

``emit.outbox_emit`` is what services call; ``handlers`` holds the registry, the dispatch and
``send_once``; ``tasks`` the Celery tasks. Nothing here knows which handlers exist.
"""
