"""Open Badges 3.0: achievements of a plan issued as signed Verifiable Credentials (VC-JWT, EdDSA)."""
