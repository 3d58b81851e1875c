"""The question encoder: a sentence-transformers BERT folder (BERT, mean pooling, normalize) run in plain torch.

It exists for start-up time. Importing sentence-transformers takes 5-7 s here (transformers' model utilities
pull in torch.distributed, torch._dynamo, sympy, scipy and scikit-learn), while this needs only torch, the
`tokenizers` library and safetensors; the vectors are those of sentence-transformers (tests/test_embedding.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

# What sentence-transformers' modules.json says for the one pipeline written out here.
SUPPORTED_MODULES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)
_POOLING_MODES = ("cls_token", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken")
# Texts go through the model in slices this big, shortest first, so a slice pads to lengths alike.
BATCH = 64


class UnsupportedModelError(ValueError):
    """The folder is not BERT + mean pooling + normalize: sentence-transformers must embed with it."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UnsupportedModelError(f"{path}: not readable ({exc})") from None


def check_architecture(folder: Path) -> tuple[dict[str, Any], int]:
    """The BERT config and max_seq_length, or UnsupportedModelError saying what differs."""
    modules = _read_json(folder / "modules.json")
    types = tuple(module.get("type") for module in modules)
    if types != SUPPORTED_MODULES:
        raise UnsupportedModelError(f"{folder}: modules {types}, not {SUPPORTED_MODULES}")
    if any(module.get("path") for module in modules[:1]):
        raise UnsupportedModelError(f"{folder}: the transformer is in a subfolder")
    config = _read_json(folder / "config.json")
    wanted = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}
    found = {key: config.get(key, "absolute" if key == "position_embedding_type" else None) for key in wanted}
    if found != wanted or config.get("is_decoder") or config.get("add_cross_attention"):
        raise UnsupportedModelError(f"{folder}: config.json describes {found}, not {wanted}")
    pooling = _read_json(folder / modules[1]["path"] / "config.json")
    others = [mode for mode in _POOLING_MODES if pooling.get(f"pooling_mode_{mode}")]
    if not pooling.get("pooling_mode_mean_tokens") or others or pooling.get("include_prompt") is False:
        raise UnsupportedModelError(f"{folder}: pooling {pooling}, not mean pooling alone")
    if pooling.get("word_embedding_dimension", config["hidden_size"]) != config["hidden_size"]:
        raise UnsupportedModelError(f"{folder}: pooling dimension differs from the hidden size")
    bert = _read_json(folder / "sentence_bert_config.json")
    if bert.get("do_lower_case"):
        raise UnsupportedModelError(f"{folder}: do_lower_case is set (sentence-transformers lowercases first)")
    max_length = int(bert.get("max_seq_length") or config["max_position_embeddings"])
    return config, min(max_length, int(config["max_position_embeddings"]))


class QueryEncoder:
    """Normalised mean-pooled BERT vectors, as sentence-transformers computes them; one caller at a time."""

    def __init__(self, folder: str | Path) -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        self._config, self.max_length = check_architecture(folder)
        if not (folder / "tokenizer.json").exists() or not (folder / "model.safetensors").exists():
            raise UnsupportedModelError(f"{folder}: needs tokenizer.json and model.safetensors")
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # The file's own settings (fixed padding to 128 here) are not what sentence-transformers applies:
        # it truncates at max_seq_length and pads to the longest text of the batch.
        padding = self._tokenizer.padding or {}
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
        weights = load_file(str(folder / "model.safetensors"))
        self._weights = {key.removeprefix("bert."): value.float() for key, value in weights.items()}
        missing = [key for key in self._layer_keys() if key not in self._weights]
        if missing:
            raise UnsupportedModelError(f"{folder}: model.safetensors lacks {missing[:3]}")
        self._torch = torch

    def _layer_keys(self) -> list[str]:
        names = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                 "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight"]  # fmt: skip
        for layer in range(int(self._config["num_hidden_layers"])):
            names += [f"encoder.layer.{layer}.{part}.{kind}" for part in _LAYER_PARTS for kind in ("weight", "bias")]
        return names

    def encode(self, texts: list[str], bf16: bool = False) -> np.ndarray:
        """One float32 row per text, in the order given."""
        torch = self._torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), int(self._config["hidden_size"])), dtype=np.float32)
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)
        with torch.inference_mode(), autocast:
            for start in range(0, len(order), BATCH):
                chosen = order[start : start + BATCH]
                encodings = self._tokenizer.encode_batch([texts[i] for i in chosen])
                ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
                mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
                vectors[chosen] = self._forward(ids, mask).float().numpy()
        return vectors

    def _forward(self, ids: Any, mask: Any) -> Any:
        functional = self._torch.nn.functional
        w, eps = self._weights, float(self._config["layer_norm_eps"])
        width = int(self._config["hidden_size"])

        def norm(x: Any, name: str) -> Any:
            return functional.layer_norm(x, (width,), w[f"{name}.weight"], w[f"{name}.bias"], eps)

        def dense(x: Any, name: str) -> Any:
            return functional.linear(x, w[f"{name}.weight"], w[f"{name}.bias"])

        # Single texts: every token type is 0.
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
        x = norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        heads = int(self._config["num_attention_heads"])
        attend = mask.bool()[:, None, None, :]  # padding is never attended to
        for layer in range(int(self._config["num_hidden_layers"])):
            at = f"encoder.layer.{layer}"
            projected = [dense(x, f"{at}.attention.self.{name}") for name in ("query", "key", "value")]
            q, k, v = (self._split_heads(part, heads) for part in projected)
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            context = context.transpose(1, 2).reshape(x.shape[0], x.shape[1], width)
            x = norm(x + dense(context, f"{at}.attention.output.dense"), f"{at}.attention.output.LayerNorm")
            inner = functional.gelu(dense(x, f"{at}.intermediate.dense"))
            x = norm(x + dense(inner, f"{at}.output.dense"), f"{at}.output.LayerNorm")
        weights = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return functional.normalize(pooled, p=2, dim=1)

    @staticmethod
    def _split_heads(x: Any, heads: int) -> Any:
        batch, length, width = x.shape
        return x.view(batch, length, heads, width // heads).transpose(1, 2)


_LAYER_PARTS = (
    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
    "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm",
)  # fmt: skip
