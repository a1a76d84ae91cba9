"""Technical services every system uses: storage, message exchange, access control, HTTP plumbing and
telemetry. Never imports a system."""
