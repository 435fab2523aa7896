"""netz's own exceptions."""

from __future__ import annotations

import pytest

from netz.core.errors import NetzError, NotInstalledError, require


def test_require_names_the_missing_module_and_the_extra() -> None:
    require("json", extra="batch", feature="anything")  # there: nothing happens
    with pytest.raises(NotInstalledError) as caught:
        require("netz_no_such_module", extra="batch", feature="netz batch (its Parquet tables)")
    assert isinstance(caught.value, NetzError)
    assert (caught.value.module, caught.value.extra) == ("netz_no_such_module", "batch")
    assert str(caught.value) == ("netz batch (its Parquet tables): netz_no_such_module is not installed; "
                                 "pip install 'netz[batch]'")
