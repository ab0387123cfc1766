from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows, so a page view never counts a whole large table, and
    never pages deeper than `cap` rows (no deep OFFSET scans): past that, filters narrow it.
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else -(-self.cap // self.per_page)
