"""compose.yaml recovers by itself and fronts the web with a buffering proxy (issue 32). Docker is not run
here: the file is read as compose reads it (merge keys included), and deploy/nginx.conf runs in
test_slow_clients.py."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ONE_OFF = {"migrate", "first-admin"}


def services() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]


def test_every_long_running_service_is_restarted_and_one_offs_are_not():
    for name, service in services().items():
        assert service.get("restart") == ("no" if name in ONE_OFF else "unless-stopped"), name


def test_redis_keeps_its_queue_on_disk():
    redis = services()["redis"]
    assert redis["command"][:3] == ["redis-server", "--appendonly", "yes"] and redis["volumes"]


def test_only_the_buffering_proxy_is_published_and_it_mounts_the_config_in_the_repository():
    found = services()
    assert "ports" not in found["web"] and found["proxy"]["ports"] == ["8000:8000"]
    source, target = found["proxy"]["volumes"][0].split(":")[:2]
    assert (ROOT / source).is_file() and target == "/etc/nginx/conf.d/default.conf"
    assert found["web"]["environment"]["AIGVA_TRUSTED_PROXIES"] == "${AIGVA_TRUSTED_PROXIES:-1}"


def test_a_first_admin_step_and_the_s3_region_and_the_offline_weights_in_the_image():
    found = services()
    assert found["first-admin"]["command"] == ["python", "manage.py", "ensure_admin"]
    assert "AWS_S3_REGION_NAME" in found["worker"]["environment"]
    assert "pip install '.[offline]'" in (ROOT / "Dockerfile").read_text()
