"""The table registry: imports every ORM module so ``Base.metadata`` knows all tables.

Alembic's environment and the tests read it; it sits above every domain, like the app and CLI.
"""

from cspersona.analytics import models as analytics_models
from cspersona.auth import models as auth_models
from cspersona.chat import models as chat_models
from cspersona.conversations import models as conversations_models
from cspersona.customers import models as customers_models
from cspersona.db.base import Base
from cspersona.ingest import models as ingest_models
from cspersona.interventions import models as interventions_models
from cspersona.jobs import models as jobs_models
from cspersona.llm import models as llm_models
from cspersona.nlp import models as nlp_models
from cspersona.personas import models as personas_models
from cspersona.playbooks import models as playbooks_models
from cspersona.predict import models as predict_models
from cspersona.registry import models as registry_models
from cspersona.roi import models as roi_models

__all__ = [
    "Base",
    "analytics_models",
    "auth_models",
    "chat_models",
    "conversations_models",
    "customers_models",
    "ingest_models",
    "interventions_models",
    "jobs_models",
    "llm_models",
    "nlp_models",
    "personas_models",
    "playbooks_models",
    "predict_models",
    "registry_models",
    "roi_models",
]
