"""jeugdregie: steering information for the Dutch Youth Act (Jeugdwet)."""

__version__ = "0.1.0"
