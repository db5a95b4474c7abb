"""At start, the media bucket is there (issue 32): every manage.py command runs this, so compose's migrate, a
worker and `make run` stop with the reason instead of the first upload failing."""

from django.conf import settings
from django.core.checks import Error, register


@register("storage")
def media_bucket_is_there(app_configs, **kwargs) -> list[Error]:
    if not settings.AWS_STORAGE_BUCKET_NAME:
        return []
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, where = settings.AWS_STORAGE_BUCKET_NAME, settings.AWS_S3_ENDPOINT_URL or "AWS"
    client = boto3.client("s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, region_name=settings.AWS_S3_REGION_NAME,
                          config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1}))
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        problem = "does not exist" if code in ("404", "NoSuchBucket") else f"refused these credentials ({code})"
        return [Error(f"The media bucket “{bucket}” at {where} {problem}.", id="aigva.E001",
                      hint="Create it, or correct AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and the keys.")]
    except BotoCoreError as exc:
        return [Error(f"The media bucket “{bucket}” at {where} cannot be reached: {exc}", id="aigva.E001",
                      hint="Check AWS_S3_ENDPOINT_URL and that the S3 server is up.")]
    return []
