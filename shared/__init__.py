"""Code every Groeipad service shares: contracts, auth, configuration, the HTTP error shape."""
