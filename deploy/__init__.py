"""Running several landscape servers as one: HAProxy's config, the local cluster."""
