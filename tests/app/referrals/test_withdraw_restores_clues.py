"""The issue's story, end to end on the small synthetic county: the 民政 liaison uploads a few rows as 特困;
the far smaller snapshot is held; confirmed by mistake it makes the real list history and screening loses
clues; withdrawn, the real list is current again and the screening the worker runs gives the clues back."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.app.accounts.models import Profile
from jiuzhu.app.clues.models import Clue
from jiuzhu.app.jobs.queue import submit_screen, work
from jiuzhu.app.referrals.models import RegistryUpload
from jiuzhu.engine.api import ingest
from jiuzhu.engine.intake.readers import read_sheets
from tests.fixtures.county import SMALL_COUNTY_AS_OF

pytestmark = pytest.mark.django_db


def _current_clues() -> set[str]:
    return set(Clue.objects.filter(facts_current=True).values_list("key", flat=True))


def test_withdraw_gives_back_the_clues_a_bad_file_removed(small_county: Path, tmp_path, monkeypatch, client, frank,
                                                          units):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    files = [p for p in sorted(small_county.iterdir()) if p.is_file()]
    results = ingest(files, as_of=SMALL_COUNTY_AS_OF, jobs=1)
    tekun = next(p for p in files if "特困" in p.name)  # an .xlsx
    real = next(r for r in results if r.source_type == "tekun")
    submit_screen()
    work(once=True)
    before = _current_clues()
    assert before

    # the bad file: the top of the real 特困 workbook (title, header, a few rows), sent as CSV
    rows = [cells for _, cells in list(read_sheets(tekun)[0].rows)[:8]]
    bad = "\n".join(",".join(str(c) for c in r) for r in rows).encode()
    client.force_login(frank)
    client.post("/referrals/upload/", {"file": SimpleUploadedFile("特困人员.csv", bad), "source": "tekun",
                                       "as_of": SMALL_COUNTY_AS_OF.isoformat()})
    work(once=True)
    made = RegistryUpload.objects.get()
    [held] = made.results
    assert (made.state, held["status"]) == ("held", "held"), made.progress
    assert f"远少于当前名单（{real.rows_taken}行）" in held["message_zh"]

    dana = get_user_model().objects.create_user("dana", password="correct-horse-9")
    Profile.objects.create(user=dana, unit=units["procuratorate"], role="data_admin", display_name="戴数据")
    client.force_login(dana)
    client.post(f"/registries/{held['batch_id']}/confirm/")  # by mistake
    work(once=True)
    lost = before - _current_clues()
    assert lost, "the bad snapshot should cost clues"

    client.post(f"/registries/{held['batch_id']}/withdraw/", {"reason": "只有6行，不是完整的特困名单"})
    work(once=True)
    assert _current_clues() == before
