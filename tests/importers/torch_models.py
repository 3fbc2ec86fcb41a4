"""Small PyTorch modules for the --torch importer test (built on whatever device is current)."""
import torch
from torch import nn


class BasicBlock(nn.Module):
    """A residual basic block (torchvision's BasicBlock without downsampling)."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + x)


def small_resnet():
    return nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.MaxPool2d(2), BasicBlock(16), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(16, 10))


def huge_mlp():
    """Two 50,000×50,000 linear layers: 20 GB of fp32 weights if they were ever materialised."""
    return nn.Sequential(nn.Linear(50_000, 50_000), nn.GELU(), nn.Linear(50_000, 50_000))


def not_a_module():
    return 42


class Attention(nn.Module):
    """Multi-head self-attention written out (fused QKV, scores, softmax, context)."""

    def __init__(self, d=32, heads=4):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        q, k, v = (y.view(b, t, self.heads, d // self.heads).transpose(1, 2) for y in (q, k, v))
        a = torch.softmax(q @ k.transpose(-2, -1), dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, t, d))


class GatedMLP(nn.Module):
    """Llama's MLP: down(silu(gate(x)) * up(x))."""

    def __init__(self, d=32, ffn=64):
        super().__init__()
        self.gate, self.up, self.down = nn.Linear(d, ffn), nn.Linear(d, ffn), nn.Linear(ffn, d)

    def forward(self, x):
        return self.down(nn.functional.silu(self.gate(x)) * self.up(x))


class TransformerBlock(nn.Module):
    """A pre-LN block with Llama's gated MLP."""

    def __init__(self, d=32):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(d), Attention(d)
        self.ln_2, self.mlp = nn.LayerNorm(d), GatedMLP(d)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


def transformer_block():
    return TransformerBlock()
