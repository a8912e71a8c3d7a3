"""List query parameters (the seed's `*ListQueryParameters`) and cursor pages that iterate."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from core.errors import InvalidArgumentError

T = TypeVar("T")

__all__ = [
    "AssistantListQueryParameters",
    "AsyncPage",
    "FileListQueryParameters",
    "ListQueryParameters",
    "Page",
    "PageSpec",
    "RunListQueryParameters",
    "RunStepListQueryParameters",
    "ThreadListQueryParameters",
    "ThreadMessageListQueryParameters",
    "VectorStoreFileBatchFileListQueryParameters",
    "VectorStoreFileListQueryParameters",
    "VectorStoreListQueryParameters",
]


class ListQueryParameters(BaseModel):
    """`limit` (1-100), `order` by created_at, and the `after` / `before` cursors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    limit: Annotated[int, Field(ge=1, le=100)] | None = None
    order: Literal["asc", "desc"] | None = None
    after: str | None = None
    before: str | None = None

    def to_query(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class AssistantListQueryParameters(ListQueryParameters):
    pass


class ThreadListQueryParameters(ListQueryParameters):
    """Query of `get_threads` (an extension of our engine; OpenAI has no thread list)."""


class RunListQueryParameters(ListQueryParameters):
    pass


class VectorStoreListQueryParameters(ListQueryParameters):
    pass


class ThreadMessageListQueryParameters(ListQueryParameters):
    run_id: str | None = None


class RunStepListQueryParameters(ListQueryParameters):
    include: list[str] | None = Field(default=None, serialization_alias="include[]")


class FileListQueryParameters(ListQueryParameters):
    purpose: str | None = None


class VectorStoreFileListQueryParameters(ListQueryParameters):
    filter: Literal["in_progress", "completed", "failed", "cancelled"] | None = None


class VectorStoreFileBatchFileListQueryParameters(VectorStoreFileListQueryParameters):
    pass


@dataclass(frozen=True)
class PageSpec(Generic[T]):
    """A fetched page and the steps that fetch the next one; each client wraps it in its page
    class (`Page` or `AsyncPage`)."""

    data: list[T]
    first_id: str | None
    last_id: str | None
    has_more: bool
    fetch_after: Callable[[str], Generator[Any, Any, PageSpec[T]]]


class _PageBase(Generic[T]):
    """What both page classes have: `data`, `first_id`, `last_id`, `has_more`."""

    def __init__(
        self, data: list[T], *, first_id: str | None, last_id: str | None, has_more: bool
    ) -> None:
        self.object = "list"
        self.data = data
        self.first_id = first_id
        self.last_id = last_id
        self.has_more = has_more

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(len(data)={len(self.data)}, first_id={self.first_id!r}, "
            f"last_id={self.last_id!r}, has_more={self.has_more})"
        )

    def get_file_id_list(self) -> list[str]:
        """The ids of this page's items (the seed's VectorStoreFileListResponse.GetFileIdList)."""
        return [i for i in (_id_of(item) for item in self.data) if i is not None]

    def _cursor(self) -> str:
        cursor = self.last_id or (_id_of(self.data[-1]) if self.data else None)
        if not (self.has_more and self.data) or cursor is None:
            raise InvalidArgumentError("this is the last page")
        return cursor


class AsyncPage(_PageBase[T]):
    """A page of the async client: `async for item in page` walks every following page too;
    `await page.get_next_page()`, `page.iter_pages()` as with `Page`."""

    def __init__(
        self,
        data: list[T],
        *,
        first_id: str | None,
        last_id: str | None,
        has_more: bool,
        fetch_after: Callable[[str], Awaitable[AsyncPage[T]]] | None = None,
    ) -> None:
        super().__init__(data, first_id=first_id, last_id=last_id, has_more=has_more)
        self._fetch_after = fetch_after

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.data and self._fetch_after is not None)

    async def get_next_page(self) -> AsyncPage[T]:
        cursor = self._cursor()
        if self._fetch_after is None:
            raise InvalidArgumentError("this is the last page")
        return await self._fetch_after(cursor)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self.auto_paging_iter()


class Page(_PageBase[T]):
    """One page of a list (`data`, `first_id`, `last_id`, `has_more`).

    Iterating a page walks every item of every following page, fetching them by the `after`
    cursor as it goes; `iter_pages()` yields the pages themselves.
    """

    def __init__(
        self,
        data: list[T],
        *,
        first_id: str | None,
        last_id: str | None,
        has_more: bool,
        fetch_after: Callable[[str], Page[T]] | None = None,
    ) -> None:
        super().__init__(data, first_id=first_id, last_id=last_id, has_more=has_more)
        self._fetch_after = fetch_after

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.data and self._fetch_after is not None)

    def get_next_page(self) -> Page[T]:
        cursor = self._cursor()
        if self._fetch_after is None:
            raise InvalidArgumentError("this is the last page")
        return self._fetch_after(cursor)

    def iter_pages(self) -> Iterator[Page[T]]:
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def auto_paging_iter(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def __iter__(self) -> Iterator[T]:
        return self.auto_paging_iter()


def _id_of(item: object) -> str | None:
    value = getattr(item, "id", None)
    return value if isinstance(value, str) else None
