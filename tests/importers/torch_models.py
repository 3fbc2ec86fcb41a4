"""Small PyTorch modules for the --torch importer test (built on whatever device is current)."""
import torch
from torch import nn


class Block(nn.Module):
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
                         nn.MaxPool2d(2), Block(16), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(16, 10))


def huge_mlp():
    """Two 50,000×50,000 linear layers: 20 GB of fp32 weights if they were ever materialised."""
    return nn.Sequential(nn.Linear(50_000, 50_000), nn.GELU(), nn.Linear(50_000, 50_000))


def not_a_module():
    return 42
