"""Our own exception types: each message tells a person what to do next."""

from __future__ import annotations


class RagError(Exception):
    """Base class for errors a user can act on."""

    code = "rag_error"


class InvalidInputError(RagError):
    """The request or command was malformed (empty question, bad option...)."""

    code = "invalid_input"


class UnsupportedDocumentError(RagError):
    """A file that is not a readable UTF-8 text, Markdown or HTML article."""

    code = "unsupported_document"


class DocumentNotFoundError(RagError):
    """No document with the given id is stored."""

    code = "document_not_found"


class StoreUnavailableError(RagError):
    """The Chroma store cannot be reached."""

    code = "store_unavailable"


class DocumentTooLargeError(RagError):
    """An article larger than the per-upload limits (bytes or passages)."""

    code = "too_large"


class DocumentConflictError(RagError):
    """A document with this id exists and the client did not ask to replace it."""

    code = "conflict"


class DataFolderInUseError(RagError):
    """Another process owns the embedded store's data folder."""

    code = "data_folder_in_use"


class LLMUnavailableError(RagError):
    """The LLM server failed: unreachable, too slow, an HTTP error or a reply that is not a completion."""

    code = "llm_unavailable"


class VerificationError(RagError):
    """An LLM answer holds a claim its cited quotes do not back."""

    code = "unverified_answer"
