"""Password rule beyond Django's own validators: several kinds of character (等级保护 practice)."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError

KINDS = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda c: c in string.punctuation or c == " "),
)


class CharacterKindsValidator:
    def __init__(self, kinds: int = 3) -> None:
        self.kinds = kinds

    def validate(self, password: str, user=None) -> None:
        have = sum(1 for _, test in KINDS if any(test(c) for c in password))
        if have < self.kinds:
            raise ValidationError(
                f"密码须至少包含小写字母、大写字母、数字、符号中的 {self.kinds} 种 / "
                f"the password needs {self.kinds} of: lower-case, upper-case, digits, symbols",
                code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须至少包含小写字母、大写字母、数字、符号中的 {self.kinds} 种。"
