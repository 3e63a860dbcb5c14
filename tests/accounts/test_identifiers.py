"""Federal identifier validation (SF-424 core data) and the derived FEOC flag."""


import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    validate_cage,
    validate_congressional_district,
    validate_ein,
    validate_naics,
    validate_uei,
)


@pytest.mark.parametrize("uei", ["ZQGGHJH74DW7", "J7M9HPTGJ1S9", "123456789ABC"])
def test_valid_ueis_pass(uei):
    validate_uei(uei)


@pytest.mark.parametrize(
    "uei, why",
    [
        ("0QGGHJH74DW7", "starts with 0"),
        ("ZQGGHJH74DWI", "contains I"),
        ("ZQGGOJH74DW7", "contains O"),
        ("ZQGGHJH74DW", "11 characters"),
        ("ZQGGHJH74DW77", "13 characters"),
        ("zqgghjh74dw7", "lower case"),
        ("ZQGG-JH74DW7", "punctuation"),
    ],
)
def test_invalid_ueis_are_rejected(uei, why):
    with pytest.raises(ValidationError):
        validate_uei(uei)


def test_ein_must_be_nine_digits():
    validate_ein("123456789")
    for bad in ("12-3456789", "12345678", "1234567890", "12345678A"):
        with pytest.raises(ValidationError):
            validate_ein(bad)


def test_naics_must_be_six_digits():
    validate_naics("212290")
    for bad in ("21229", "2122900", "21229A"):
        with pytest.raises(ValidationError):
            validate_naics(bad)


def test_cage_is_optional_but_five_alphanumerics_when_given():
    validate_cage("")
    validate_cage("1ABC2")
    for bad in ("1ABC", "1ABC23", "1AB-2"):
        with pytest.raises(ValidationError):
            validate_cage(bad)


def test_congressional_district_format():
    validate_congressional_district("NV-002")
    validate_congressional_district("WY-AL")
    for bad in ("NV2", "nv-02", "NV-2"):
        with pytest.raises(ValidationError):
            validate_congressional_district(bad)
