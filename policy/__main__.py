"""Entry point of the ``cmk-postgres`` policy pack.

The Pulumi CLI runs it as ``python -m pulumi.policy <engine> <this folder>`` (the folder is
first on ``sys.path``, so :mod:`cmk_policies` imports); constructing :class:`PolicyPack`
serves the policies to the engine. The offline preview (``cmkpg-preview --policy-pack``)
runs this same file and captures the pack instead of serving it.
"""

from cmk_policies import PACK_NAME, POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    display_name="Customer-managed keys for Azure PostgreSQL clusters",
    description=(
        "Azure Cosmos DB for PostgreSQL and elastic clusters encrypted with a customer-managed "
        "key: the key, its vault, the identity's grant and deletion protection."
    ),
    provider="azure",
    tags=["azure", "postgresql", "encryption", "cmk"],
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
)
