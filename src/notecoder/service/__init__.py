"""The HTTP service (`notecoder serve`, the `[server]` extra): CogStack's NLP REST API and a native endpoint."""
