"""The replica's routing rules (core.replica), without a replica: which reads may lag, what
always stays on the primary. tests/outage/test_replica.py runs them against a real one."""

import time
from unittest import mock

from django.test import RequestFactory

from core import replica
from programs.models import Program

router = replica.ReplicaRouter()


def test_reads_outside_a_lagging_block_and_every_write_go_to_the_primary():
    with (
        mock.patch.object(replica, "configured", return_value=True),
        mock.patch.object(replica, "answers", return_value=True),
    ):
        assert router.db_for_read(Program) == "default"
        with replica.lagging_reads() as on_replica:
            assert on_replica
            assert router.db_for_read(Program) == "replica"
            assert router.db_for_write(Program) == "default"  # an object read there too
        assert router.db_for_read(Program) == "default"
    assert not router.allow_migrate("replica", "programs")


def test_without_a_replica_or_when_it_does_not_answer_reads_stay_on_the_primary():
    with replica.lagging_reads() as on_replica:  # none configured
        assert not on_replica and router.db_for_read(Program) == "default"
    with (
        mock.patch.object(replica, "configured", return_value=True),
        mock.patch.object(replica, "answers", return_value=False),
        replica.lagging_reads() as on_replica,
    ):
        assert not on_replica and router.db_for_read(Program) == "default"


def test_a_person_who_just_changed_something_reads_the_primary(planner):
    request = RequestFactory().get("/public/")
    request.user, request.session = planner, {}
    with (
        mock.patch.object(replica, "configured", return_value=True),
        mock.patch.object(replica, "answers", return_value=True),
    ):
        with replica.lagging_reads(request) as on_replica:
            assert on_replica
        posted = RequestFactory().post("/plan/needs/new/")
        posted.user, posted.session = planner, request.session
        middleware = replica.RecentWriteMiddleware(lambda r: mock.Mock(status_code=302))
        middleware(posted)
        assert time.time() - request.session[replica.WROTE_KEY] < 5
        with replica.lagging_reads(request) as on_replica:
            assert not on_replica  # its own change shows at once
        request.session[replica.WROTE_KEY] = time.time() - replica.REPLICA_LAG_SECONDS - 1
        with replica.lagging_reads(request) as on_replica:
            assert on_replica


def test_a_refused_write_is_not_noted(planner):
    posted = RequestFactory().post("/plan/needs/new/")
    posted.user, posted.session = planner, {}
    with mock.patch.object(replica, "configured", return_value=True):
        replica.RecentWriteMiddleware(lambda r: mock.Mock(status_code=403))(posted)
    assert replica.WROTE_KEY not in posted.session
