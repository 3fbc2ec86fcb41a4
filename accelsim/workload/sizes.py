"""Plausible sizes of workload fields (docs/inputs.md): the strict number types the layer kinds
and the workload declare their fields with (accelsim.core.ranges)."""
from __future__ import annotations

from accelsim.core.ranges import Int, Real

#: sides of an image or feature map and channel counts: ImageNet images are 224 px, gigapixel
#: pathology slides 10^5 px a side, the widest CNNs have 10^4 channels
Extent = Int(1, 1 << 20, "image sides and channels: 224 px (ImageNet) to 10^5 px (gigapixel "
             "slides), up to 10^4 channels; 2^20")
#: features, GEMM dimensions, vocabularies: LLM hidden sizes are 10^3-10^5, vocabularies 10^5-10^6
Features = Int(1, 1 << 24, "LLM hidden sizes 10^3-10^5, vocabularies up to 10^6; 2^24")
#: tokens per sample: context windows reach 10^6 tokens
Tokens = Int(1, 1 << 22, "context windows reach 10^6 tokens; 2^22")
#: attention heads, repeated GEMMs, head dimensions
Count = Int(1, 1 << 16, "attention heads (and batched GEMMs) number 1-128; 2^16")
Stride = Int(1, 1 << 10, "strides are 1-4 (patch embeddings: 16-32); 1024")
Padding = Int(0, 1 << 10, "padding is at most about half the kernel; 1024")
Probability = Real(0, 1, "a probability")
#: samples in a training batch
Batch = Int(1, 1 << 24, "global batches reach 10^5 samples (LARS/LAMB); 2^24")
