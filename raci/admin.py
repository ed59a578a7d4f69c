"""Django's admin looks for ``<app>.admin``; each feature registers its own models in its package."""

from raci.delivery import admin as delivery_admin  # noqa: F401
from raci.discussion import admin as discussion_admin  # noqa: F401
from raci.matrices import admin as matrices_admin  # noqa: F401
from raci.outbox import admin as outbox_admin  # noqa: F401
from raci.revisions import admin as revisions_admin  # noqa: F401
from raci.sharing import admin as sharing_admin  # noqa: F401
