from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows, so a page view never counts a whole large table, and
    never pages deeper than `cap` rows (no deep OFFSET scans): past that, filters narrow it.
    """

    # Counting stops at cap + 1 matching rows: its cost grows with the cap (measured with
    # make bench: about 20 ms for 250 rows on a common search word, 80 ms for 1,000).
    cap = 250

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else -(-self.cap // self.per_page)
