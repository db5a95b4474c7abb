"""Device and CPU settings; the caller decides, these helpers only resolve the choice."""

import os
import platform

import torch


def pick_device(preference: str = "auto") -> torch.device:
    """'cuda' or 'cpu' forces one; 'auto' takes CUDA when present (SPEC R-5)."""
    if preference == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("AIGVA_DEVICE=cuda but no CUDA device is available.")
    if preference == "cpu" or (preference == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    return torch.device("cuda")


def cpu_supports_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively. oneDNN also offers it on x86 CPUs with plain AVX-512 by
    emulation, which is slower than float32 there and rounds otherwise; only AVX512-BF16 or AMX count."""
    if not (torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()):
        return False  # also where oneDNN is held below AVX-512 (ONEDNN_MAX_CPU_ISA)
    if platform.machine().lower() in ("x86_64", "amd64"):
        return torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    return True


def use_all_cores() -> int:
    threads = len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    return threads


def describe(device: torch.device, threads: int) -> str:
    """Where work runs, for people: "CPU (2 threads)" or "CUDA (NVIDIA H200)"."""
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    return f"CPU ({threads} thread{'s' if threads != 1 else ''})"


def precision_for(device: torch.device, setting: str) -> str:
    """AIGVA_BF16 on/off forces bfloat16/float32; auto verifies bfloat16 on the model's first frames wherever
    the device computes it natively (TorchClassifier's "verify")."""
    if setting in ("on", "off"):
        return {"on": "bf16", "off": "fp32"}[setting]
    return "verify" if device.type == "cuda" or cpu_supports_bf16() else "fp32"


# Frames per forward pass on a CPU where 16 is slower. EfficientNet-Lite0 (2 cores, torch 2.14, float32, its copy for
# inference): 17 ms a frame in batches of 4, 20 in 8s, 25 in 16s, 25 alone; ResNet34 is within 4 % from 4 to 16.
CPU_BATCH = {"efficientnet_lite0": 4}


def batch_size_for(device: torch.device | None, backbone: str | None = None) -> int:
    """Frames per forward pass: a GPU wants large batches to stay busy; a CPU gains nothing past 16, and
    some backbones run fastest in smaller batches there."""
    if device is not None and device.type == "cuda":
        return 64
    return CPU_BATCH.get(backbone or "", 16)
