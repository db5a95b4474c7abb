"""Plain PyTorch: backbones, transforms, the inference pipeline and training. No Django here."""
