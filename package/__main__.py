"""Entry point of the cmkpg component package.

The Pulumi CLI runs ``python <this directory> <engine address>`` with the virtualenv of
``PulumiPlugin.yaml`` and the consumer's project as the working directory. The provider
serves the schema of ``cmkpg.provider`` at version ``cmkpg.__version__``, the release tag
without its ``v``.

It is not ``component_provider_host(...)``: that builds its own ``ComponentProvider``, and
``cmkpg.provider.CmkpgProvider`` finishes the schema (secrets, descriptions) and reports
validation errors without a traceback.
"""

from cmkpg.provider import serve

if __name__ == "__main__":
    serve()
