"""The HTTP API and chat page over the shared rag Pipeline."""
