import hashlib


def hash_token(token: str) -> str:
    """What is stored of a secret token (share links, API tokens): its sha256, so a leaked database leaks none."""
    return hashlib.sha256(token.encode()).hexdigest()
