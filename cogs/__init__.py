"""Discord features, one extension each. Only this package imports discord."""
