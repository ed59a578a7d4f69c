"""Django finds an app's models in ``<app>.models``. The raci app keeps each feature's models in
the feature's own package; importing them here registers them with the app. Import models from
their feature (``from raci.matrices.models import Matrix``), never from this module."""

from raci.delivery import models as delivery_models  # noqa: F401
from raci.discussion import models as discussion_models  # noqa: F401
from raci.exports import models as exports_models  # noqa: F401
from raci.matrices import models as matrices_models  # noqa: F401
from raci.outbox import models as outbox_models  # noqa: F401
from raci.revisions import models as revisions_models  # noqa: F401
from raci.sharing import models as sharing_models  # noqa: F401
