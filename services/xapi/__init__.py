"""xAPI (IEEE 9274.1.1): learning actions as statements in a learning record store, and completions read back."""
