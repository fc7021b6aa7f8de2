"""The release of cmkpg: the package version, the component package's schema version and
the git tag (``v<version>``) are all this one string."""

__version__ = "0.2.0"
