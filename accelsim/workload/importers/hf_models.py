"""The transformer builders of the Hugging Face importer, one per ``model_type``.

Each lays out the model's training graph in the transformer layer kinds (the schema in
docs/import.md), named after the Hugging Face modules, with ``T`` tokens per sample:

- ``gpt2`` (GPT2LMHeadModel, pre-LN): ``wte`` (V×d) and ``wpe`` (positions×d) embeddings, their
  sum; per block ``ln_1`` → ``attn_qkv`` (d→3d) → ``attn`` (causal) → ``attn_proj`` (d→d) → residual
  add → ``ln_2`` → ``mlp_fc`` (d→4d, or ``n_inner``) → gelu → ``mlp_proj`` → residual add; ``ln_f``,
  ``lm_head`` (d→V, weight tied to ``wte``), cross-entropy ``loss``.
- ``bert`` (BertForMaskedLM, post-LN): word + position + token-type embeddings, their sums and a
  layernorm; per block ``qkv`` (d→3d) → attention (not causal) → output dense → residual add →
  layernorm → intermediate dense (d→ffn) → gelu → output dense → residual add → layernorm; the
  masked-LM head: transform dense (d→d), gelu, layernorm, decoder (d→V, tied to the word
  embeddings, logits for every token as the model computes them), cross-entropy.
- ``llama`` (LlamaForCausalLM): ``embed_tokens``; per block rmsnorm → ``qkv_proj`` (one fused linear
  of width (heads + 2·kv_heads)·head_dim) → attention (causal, grouped-query) → ``o_proj`` →
  residual add → rmsnorm → ``gate_proj`` and ``up_proj`` (d→ffn each, both reading the norm) →
  swiglu → ``down_proj`` → residual add; final rmsnorm, ``lm_head`` (untied unless
  ``tie_word_embeddings``), cross-entropy.

Attention is dense over the masked half (``skip_masked: false``) and unfused (``fused: none``);
dropout layers are not emitted (the configs' dropout probabilities are recorded in the file
header), so a step is the deterministic compute of the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from accelsim.core.errors import ConfigError
from accelsim.workload.importers.emit import LayerList
from accelsim.workload.layers import INPUT


@dataclass
class Built:
    layers: LayerList = field(default_factory=LayerList)
    notes: list[str] = field(default_factory=list)


class Stack:
    """Emits transformer layers of ``tokens`` rows per sample; each method returns the name."""

    def __init__(self, tokens: int):
        self.t = tokens
        self.out = Built()

    def _add(self, kind, name, fields, input=None, input_b=None) -> str:
        return self.out.layers.add(kind, name, fields, input, input_b)

    def embedding(self, name, vocab, dim) -> str:
        return self._add("embedding", name, {"vocab": vocab, "dim": dim, "tokens": self.t}, INPUT)

    def norm(self, kind, name, features, input=None) -> str:
        return self._add(kind, name, {"features": features, "tokens": self.t}, input)

    def linear(self, name, d_in, d_out, input=None, tied_to=None) -> str:
        fields = {"in_features": d_in, "out_features": d_out, "tokens": self.t}
        if tied_to:
            fields["tied_to"] = tied_to
        return self._add("linear", name, fields, input)

    def attention(self, name, heads, kv_heads, head_dim, causal) -> str:
        return self._add("attention", name, {
            "tokens": self.t, "heads": heads, "kv_heads": kv_heads, "head_dim": head_dim,
            "causal": causal, "skip_masked": False, "fused": "none"})

    def residual(self, name, features, a, b) -> str:
        return self._add("add", name, {"channels": features, "in_h": self.t}, a, b)

    def elementwise(self, kind, name, features, input=None, input_b=None) -> str:
        return self._add(kind, name, {"features": features, "tokens": self.t}, input, input_b)

    def loss(self, vocab) -> str:
        return self._add("cross_entropy", "loss", {"vocab": vocab, "tokens": self.t})


def _activation(config, key: str, default: str, allowed: tuple[str, ...]) -> None:
    act = config.text(key, default)
    if act not in allowed:
        raise ConfigError(f"activation {act!r} is not supported", source=config.source,
                          field=key, fix="accelsim imports " + ", ".join(allowed))


@dataclass(frozen=True)
class Dims:
    """The dimensions every builder needs, read under the model type's key names."""
    d: int
    vocab: int
    tokens: int
    positions: int
    blocks: int
    heads: int
    head_dim: int
    ffn: int


def _dims(config, seq, blocks, keys: tuple[str, str, str, str], ffn_key: str,
          ffn_default_factor: int | None = None) -> Dims:
    """``keys``: the config's names of the hidden size, the positions, the blocks and the heads."""
    hidden, positions, layers, heads_key = keys
    d = config.dim(hidden)
    heads = config.dim(heads_key)
    if d % heads:
        raise ConfigError(f"the hidden size {d} is not a multiple of {heads} heads",
                          source=config.source, field=heads_key)
    ffn = config.dim(ffn_key, ffn_default_factor and ffn_default_factor * d)
    return Dims(d, config.dim("vocab_size"), config.seq(positions, seq), config.dim(positions),
                config.blocks(layers, blocks), heads, d // heads, ffn)


#: the key names BERT and Llama configs share
HIDDEN_KEYS = ("hidden_size", "max_position_embeddings", "num_hidden_layers",
               "num_attention_heads")


def _dropouts(config, keys: tuple[str, ...]) -> list[str]:
    found = [f"{k} {config.data[k]}" for k in keys if config.data.get(k)]
    return [f"Dropout not modelled (config: {', '.join(found)})"] if found else []


def gpt2(config, seq, blocks) -> Built:
    m = _dims(config, seq, blocks, ("n_embd", "n_positions", "n_layer", "n_head"), "n_inner", 4)
    d, vocab, inner = m.d, m.vocab, m.ffn
    _activation(config, "activation_function", "gelu_new",
                ("gelu", "gelu_new", "gelu_fast", "gelu_pytorch_tanh"))
    s = Stack(m.tokens)
    wte = s.embedding("wte", vocab, d)
    s.embedding("wpe", m.positions, d)
    x = s.residual("embed_add", d, wte, "wpe")
    for i in range(m.blocks):
        p = f"h.{i}"
        s.norm("layernorm", f"{p}.ln_1", d, x)
        s.linear(f"{p}.attn_qkv", d, 3 * d)
        s.attention(f"{p}.attn", m.heads, m.heads, m.head_dim, causal=True)
        proj = s.linear(f"{p}.attn_proj", d, d)
        x = s.residual(f"{p}.attn_add", d, proj, x)
        s.norm("layernorm", f"{p}.ln_2", d)
        s.linear(f"{p}.mlp_fc", d, inner)
        s.elementwise("gelu", f"{p}.gelu", inner)
        proj = s.linear(f"{p}.mlp_proj", inner, d)
        x = s.residual(f"{p}.mlp_add", d, proj, x)
    s.norm("layernorm", "ln_f", d, x)
    s.linear("lm_head", d, vocab, tied_to=wte)
    s.loss(vocab)
    s.out.notes += _dropouts(config, ("embd_pdrop", "attn_pdrop", "resid_pdrop"))
    return s.out


def bert(config, seq, blocks) -> Built:
    m = _dims(config, seq, blocks, HIDDEN_KEYS, "intermediate_size")
    d, vocab, ffn = m.d, m.vocab, m.ffn
    _activation(config, "hidden_act", "gelu", ("gelu", "gelu_new", "gelu_pytorch_tanh"))
    s = Stack(m.tokens)
    word = s.embedding("embeddings.word_embeddings", vocab, d)
    s.embedding("embeddings.position_embeddings", m.positions, d)
    x = s.residual("embeddings.add_position", d, word, "embeddings.position_embeddings")
    s.embedding("embeddings.token_type_embeddings", config.dim("type_vocab_size", 2), d)
    x = s.residual("embeddings.add_token_type", d, x, "embeddings.token_type_embeddings")
    x = s.norm("layernorm", "embeddings.LayerNorm", d, x)
    for i in range(m.blocks):
        p = f"encoder.layer.{i}"
        s.linear(f"{p}.attention.self.qkv", d, 3 * d, x)
        s.attention(f"{p}.attention.self", m.heads, m.heads, m.head_dim, causal=False)
        dense = s.linear(f"{p}.attention.output.dense", d, d)
        s.residual(f"{p}.attention.output.add", d, dense, x)
        x = s.norm("layernorm", f"{p}.attention.output.LayerNorm", d)
        s.linear(f"{p}.intermediate.dense", d, ffn)
        s.elementwise("gelu", f"{p}.intermediate.gelu", ffn)
        dense = s.linear(f"{p}.output.dense", ffn, d)
        s.residual(f"{p}.output.add", d, dense, x)
        x = s.norm("layernorm", f"{p}.output.LayerNorm", d)
    s.linear("cls.predictions.transform.dense", d, d, x)
    s.elementwise("gelu", "cls.predictions.transform.gelu", d)
    s.norm("layernorm", "cls.predictions.transform.LayerNorm", d)
    s.linear("cls.predictions.decoder", d, vocab, tied_to=word)
    s.loss(vocab)
    s.out.notes += _dropouts(config, ("hidden_dropout_prob", "attention_probs_dropout_prob"))
    return s.out


def llama(config, seq, blocks) -> Built:
    m = _dims(config, seq, blocks, HIDDEN_KEYS, "intermediate_size")
    d, vocab, ffn, heads = m.d, m.vocab, m.ffn, m.heads
    head_dim = config.dim("head_dim", m.head_dim)
    kv_heads = config.dim("num_key_value_heads", heads)
    if heads % kv_heads:
        raise ConfigError(f"{heads} attention heads do not divide into {kv_heads} key/value "
                          "heads", source=config.source, field="num_key_value_heads")
    _activation(config, "hidden_act", "silu", ("silu",))
    s = Stack(m.tokens)
    embed = s.embedding("embed_tokens", vocab, d)
    x = embed
    for i in range(m.blocks):
        p = f"layers.{i}"
        s.norm("rmsnorm", f"{p}.input_layernorm", d, x)
        s.linear(f"{p}.self_attn.qkv_proj", d, (heads + 2 * kv_heads) * head_dim)
        s.attention(f"{p}.self_attn", heads, kv_heads, head_dim, causal=True)
        o = s.linear(f"{p}.self_attn.o_proj", heads * head_dim, d)
        x = s.residual(f"{p}.attn_add", d, o, x)
        norm = s.norm("rmsnorm", f"{p}.post_attention_layernorm", d)
        gate = s.linear(f"{p}.mlp.gate_proj", d, ffn, norm)
        up = s.linear(f"{p}.mlp.up_proj", d, ffn, norm)
        s.elementwise("swiglu", f"{p}.mlp.swiglu", ffn, gate, up)
        down = s.linear(f"{p}.mlp.down_proj", ffn, d)
        x = s.residual(f"{p}.mlp_add", d, down, x)
    s.norm("rmsnorm", "norm", d, x)
    tied = embed if config.flag("tie_word_embeddings", False) else None
    s.linear("lm_head", d, vocab, tied_to=tied)
    s.loss(vocab)
    return s.out


#: Hugging Face ``model_type`` -> builder
MODEL_TYPES = {"gpt2": gpt2, "bert": bert, "llama": llama}
