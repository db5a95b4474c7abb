# One image for web, worker and GPU worker (compose.yaml picks the command).
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 AIGVA_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY aigva aigva
COPY projects projects
COPY videos videos
COPY labelling labelling
COPY prediction prediction
COPY templates templates
COPY static static
COPY manage.py ./
RUN pip install . && DEBUG=true python manage.py collectstatic --no-input --verbosity 0
EXPOSE 8000
CMD ["gunicorn", "aigva.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "600"]
