"""cmkpg: an Azure Cosmos DB for PostgreSQL cluster encrypted with a customer-managed key.

Thin on purpose: config -> validated settings (every problem reported, nothing registered
on error) -> components -> stack outputs. See README.md.
"""

import pulumi

from cmkpg.config import settings_from_pulumi
from cmkpg.stack import deploy

settings = settings_from_pulumi()
for output_name, value in deploy(settings).items():
    if value is not None:
        pulumi.export(output_name, value)
