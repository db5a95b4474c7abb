from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from api.schemas import MAX_ID

MAX_LIMIT = 500


class Page(LimitOffsetPagination):
    """?limit= (1-500, default 100) and ?offset= items; answers {"items": [...], "count": all of them}."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_ID)

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
