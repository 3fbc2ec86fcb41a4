"""GPT-2 written layer by layer in code (the schema's block), independent of any importer."""
from accelsim.workload.layers import Workload


def gpt2(layers=12, d=768, vocab=50257, tokens=1024, heads=12, batch=1, **attn) -> Workload:
    t = tokens
    ls = [{"kind": "embedding", "name": "wte", "vocab": vocab, "dim": d, "tokens": t,
           "input": "input"},
          {"kind": "embedding", "name": "wpe", "vocab": t, "dim": d, "tokens": t,
           "input": "input"},
          {"kind": "add", "name": "embed_add", "channels": d, "in_h": t, "input": "wte",
           "input_b": "wpe"}]
    x = "embed_add"
    for i in range(layers):
        p = f"h.{i}"
        ls += [{"kind": "layernorm", "name": f"{p}.ln_1", "features": d, "tokens": t, "input": x},
               {"kind": "linear", "name": f"{p}.attn_qkv", "in_features": d,
                "out_features": 3 * d, "tokens": t},
               {"kind": "attention", "name": f"{p}.attn", "tokens": t, "heads": heads,
                "kv_heads": heads, "head_dim": d // heads, "causal": True, **attn},
               {"kind": "linear", "name": f"{p}.attn_proj", "in_features": d, "out_features": d,
                "tokens": t},
               {"kind": "add", "name": f"{p}.attn_add", "channels": d, "in_h": t, "input_b": x},
               {"kind": "layernorm", "name": f"{p}.ln_2", "features": d, "tokens": t},
               {"kind": "linear", "name": f"{p}.mlp_fc", "in_features": d,
                "out_features": 4 * d, "tokens": t},
               {"kind": "gelu", "name": f"{p}.gelu", "features": 4 * d, "tokens": t},
               {"kind": "linear", "name": f"{p}.mlp_proj", "in_features": 4 * d,
                "out_features": d, "tokens": t},
               {"kind": "add", "name": f"{p}.mlp_add", "channels": d, "in_h": t,
                "input_b": f"{p}.attn_add"}]
        x = f"{p}.mlp_add"
    ls += [{"kind": "layernorm", "name": "ln_f", "features": d, "tokens": t},
           {"kind": "linear", "name": "lm_head", "in_features": d, "out_features": vocab,
            "tokens": t, "tied_to": "wte"},
           {"kind": "cross_entropy", "name": "loss", "vocab": vocab, "tokens": t}]
    return Workload.model_validate({
        "name": "gpt2", "batch": batch, "optimizer": "adamw",
        "formats": {"activation": "bf16", "weight": "bf16", "error": "bf16",
                    "weight_gradient": "bf16", "optimizer_state": "fp32",
                    "master_weight": "fp32", "mac": "bf16"}, "layers": ls})
