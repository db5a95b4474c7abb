"""Test helpers of this app: makers of rows and files, and shared fixtures."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def url_patterns(patterns=None, namespace=""):
    """(namespaced name, keyword names) of every URL of ours: the pages'. The HTTP API answers JSON, checks
    its input before its ids, and is swept from its own schema (api/tests/test_schema.py)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace not in ("admin", "api"):
                yield from url_patterns(entry.url_patterns, f"{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", set(entry.pattern.converters)


def urls_for(ids: dict, token: str) -> list[str]:
    values = ids | {"token": token}
    return [reverse(name, kwargs={k: values[k] for k in keys}) for name, keys in url_patterns()]


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 30 + "-production-secret-of-enough-length-1234567890",
              "ALLOWED_HOSTS": "aigva.example.org", "DATABASE_URL": "sqlite:////tmp/aigva-deploy-check.sqlite3"}
