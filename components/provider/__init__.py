"""cmkpg as a Pulumi component package: the components for TypeScript, Go, C#, Java and YAML
programs, hosted by ``package/`` (``pulumi package add <repo>.git/package@v<version>``).

* :mod:`cmkpg.provider.inputs`: what each component takes, as ``TypedDict``\\ s the schema
  is inferred from;
* :mod:`cmkpg.provider.convert`: those inputs as the library's ``*Args`` (which validate);
* :mod:`cmkpg.provider.components`: the library's components taking those inputs;
* :mod:`cmkpg.provider.host`: the provider, its finished schema and the plugin's ``serve``.

Python programs do not need any of this: they use :mod:`cmkpg` directly.
"""

from .components import (
    COMPONENTS,
    CmkIdentity,
    CmkKey,
    CmkMonitoring,
    CmkVault,
    EncryptedClusterRestore,
    EncryptedCosmosPgCluster,
    EncryptedElasticCluster,
)
from .host import CmkpgProvider, schema, serve

__all__ = [
    "COMPONENTS",
    "CmkIdentity",
    "CmkKey",
    "CmkMonitoring",
    "CmkVault",
    "CmkpgProvider",
    "EncryptedClusterRestore",
    "EncryptedCosmosPgCluster",
    "EncryptedElasticCluster",
    "schema",
    "serve",
]
