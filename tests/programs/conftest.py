import pytest

from tests.factories import NeedFactory, PledgeFactory, ProgramFactory


@pytest.fixture
def tegal_ratu_need(rutilahu, village):
    return NeedFactory(
        priority=rutilahu,
        village=village,
        quantity=40,
        title="Rutilahu Tegal Ratu",
        external_ref="RUTILAHU-36.72.04.1002",
    )


@pytest.fixture
def program_a(company_a, plan, tegal_ratu_need, village):
    """A complete draft of company A with one pledge."""
    program = ProgramFactory(company=company_a, plan=plan, title="Bedah rumah Tegal Ratu")
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need, quantity=5, amount=100_000_000)
    return program


@pytest.fixture
def program_b(company_b, plan, tegal_ratu_need, village):
    program = ProgramFactory(company=company_b, plan=plan, title="Program perusahaan B")
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need)
    return program
