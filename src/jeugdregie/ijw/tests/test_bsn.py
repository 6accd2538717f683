from jeugdregie.ijw.bsn import is_valid_bsn


def test_elfproef() -> None:
    assert is_valid_bsn("999993501")
    assert is_valid_bsn("123456708")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("999993502")
    assert not is_valid_bsn("12345670")
    assert not is_valid_bsn("12345670a")
    assert not is_valid_bsn("000000000")
