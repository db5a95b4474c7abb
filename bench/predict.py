"""Prediction speed (SPEC Q-4, issue 4): model-only, decode-only and end-to-end frames/s in one run.

Run: .venv/bin/python bench/predict.py [--seconds 20] [--backbone resnet34]. Random weights:
speed does not depend on them. The last line is key=value pairs.
"""

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.clips import dashcam_clip  # noqa: E402
from prediction.ml.device import cpu_supports_bf16, pick_device, use_all_cores  # noqa: E402
from prediction.ml.model import FrameClassifier, ModelConfig  # noqa: E402
from prediction.ml.pipeline import (  # noqa: E402
    PipelineConfig,
    TorchClassifier,
    decode_batches,
    predict_from_features,
    predict_video,
)

BATCH = 16


def cache_round_trip(frames: np.ndarray, embeddings: np.ndarray) -> dict:
    """The cache file as the app writes and reads it (np.savez), in memory."""
    buffer = io.BytesIO()
    np.savez(buffer, frames=frames, embeddings=embeddings)
    buffer.seek(0)
    with np.load(buffer) as arrays:
        return {name: arrays[name] for name in arrays.files}


def build_model(backbone: str) -> FrameClassifier:
    """EfficientNet-Lite0 with its own ImageNet weights and 1000-class head, so label agreement
    (bf16, frame skip) is measured on real predictions; other backbones get random weights."""
    if backbone != "efficientnet_lite0":
        return FrameClassifier(ModelConfig(backbone, ("a", "b", "c", "d")), pretrained=False).eval()
    model = FrameClassifier(ModelConfig(backbone, tuple(f"imagenet{i}" for i in range(1000))), pretrained=True)
    model.head.load_state_dict(model.backbone.net._fc.state_dict())
    return model.eval()


def model_fps(model: FrameClassifier, device: torch.device, bf16: bool, batches: int = 8) -> float:
    images = torch.randint(0, 255, (BATCH, 224, 224, 3), dtype=torch.uint8, device=device)
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
        model(images)  # warm-up
        started = time.perf_counter()
        for _ in range(batches):
            model(images)
        if device.type == "cuda":
            torch.cuda.synchronize()
    return BATCH * batches / (time.perf_counter() - started)


def decode_fps(path: Path) -> float:
    started, frames = time.perf_counter(), 0
    for item in decode_batches(str(path), 224, 1, BATCH):
        frames += len(item[0]) if isinstance(item, tuple) else 0
    return frames / (time.perf_counter() - started)


def timed_predict(path, model, device, config, bf16: bool):
    started = time.perf_counter()
    prediction = predict_video(str(path), TorchClassifier(model, device, bf16), config)
    return len(prediction.classes) / (time.perf_counter() - started), prediction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--backbone", default="resnet34")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--clip", type=Path, help="a real video to use instead of the generated one")
    args = parser.parse_args()
    device, threads = pick_device(args.device), use_all_cores()
    torch.manual_seed(0)
    model = build_model(args.backbone)
    model = model.to(device, memory_format=torch.channels_last)
    bf16 = device.type == "cuda" or cpu_supports_bf16()
    print(f"torch {torch.__version__}, {threads} threads, device {device}, backbone {args.backbone}, batch {BATCH}")
    clip = args.clip or dashcam_clip(args.seconds, shot_seconds=3)
    fp32_fps, chosen_fps = model_fps(model, device, False), model_fps(model, device, bf16)
    print(f"model only: fp32 channels_last {fp32_fps:.1f} frames/s, bf16 autocast {chosen_fps:.1f} frames/s")
    decode = decode_fps(clip)
    print(f"decode only (PyAV, resized to 224 in the reformat): {decode:.1f} frames/s")
    plain_fps, plain = timed_predict(clip, model, device, PipelineConfig(batch_size=BATCH), bf16=False)
    e2e_fps, fast = timed_predict(clip, model, device, PipelineConfig(batch_size=BATCH), bf16=bf16)
    disagree = float((fast.classes != plain.classes).mean())
    use_bf16 = bf16 and disagree <= 0.005
    e2e = e2e_fps if use_bf16 else plain_fps
    model_only = chosen_fps if use_bf16 else fp32_fps
    ceiling = min(model_only, decode) if device.type == "cuda" else 1 / (1 / model_only + 1 / decode)
    print(f"end to end: fp32 {plain_fps:.1f}, bf16 {e2e_fps:.1f} frames/s; bf16 changes {disagree:.2%} of labels "
          f"-> {'bf16' if use_bf16 else 'fp32'} is used")
    print(f"ceiling {ceiling:.1f} frames/s; end to end / ceiling = {e2e / ceiling:.3f}; / model only = "
          f"{e2e / model_only:.3f}")
    skip_config = PipelineConfig(batch_size=BATCH, frame_skip=5)
    skip_fps, skipped = timed_predict(clip, model, device, skip_config, bf16=use_bf16)
    reference = fast if use_bf16 else plain
    skip_changed = float((skipped.classes != reference.classes).mean())
    started = time.perf_counter()
    cached = cache_round_trip(reference.predicted_frames, reference.embeddings)
    predict_from_features(cached["frames"], cached["embeddings"], reference.hashes, TorchClassifier(model, device),
                          PipelineConfig(), len(reference.classes))
    cache_fps = len(reference.classes) / (time.perf_counter() - started)
    print(f"frame skip 5 + fill: {skip_fps:.1f} frames/s, {skip_changed:.2%} of labels differ from every frame")
    print(f"re-predict from cached embeddings (npz load + head): {cache_fps:.0f} frames/s = "
          f"{cache_fps / model_only:.0f} x model only")
    print(f"e2e_over_ceiling={e2e / ceiling:.3f} e2e_over_model={e2e / model_only:.3f} decode_fps={decode:.1f} "
          f"model_fps={model_only:.1f} e2e_fps={e2e:.1f} cache_over_model={cache_fps / model_only:.0f} "
          f"skip5_changed={skip_changed:.4f}")


if __name__ == "__main__":
    main()
