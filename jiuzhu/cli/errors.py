"""Errors a user reads: Chinese first, English below; exit code 1."""

from __future__ import annotations


class CommandError(Exception):
    def __init__(self, zh: str, en: str = "") -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"错误：{self.zh}\nError: {self.en}" if self.en else f"错误：{self.zh}"
