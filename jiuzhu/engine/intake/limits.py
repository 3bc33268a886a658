"""Limits of the process that reads one file (docs/intake.md "Limits"): memory (RLIMIT_AS) and time.

A file of a few MB never costs more than ``JIUZHU_PARSE_MEMORY_MB`` (default 3072) of address space or
``JIUZHU_PARSE_SECONDS`` (default 120) of reading, whatever is inside it. A large text file legitimately
takes longer, in proportion to its size, so a CSV gets 2 s more per MB, and 4 bytes more memory per byte
of file (from when its rows were remembered for the duplicate check: generous now that reading spills
them to disk): large legitimate files still import.
"""

from __future__ import annotations

import resource
import signal
from dataclasses import dataclass
from pathlib import Path

from jiuzhu.engine.intake.guards import MB, env_int
from jiuzhu.engine.intake.readers import CSV_SUFFIXES


@dataclass(frozen=True)
class ParseLimits:
    memory_bytes: int
    seconds: int

    @property
    def memory_mb(self) -> int:
        return self.memory_bytes // MB


def limits_for(path: Path) -> ParseLimits:
    memory = env_int("JIUZHU_PARSE_MEMORY_MB", 3072) * MB
    seconds = env_int("JIUZHU_PARSE_SECONDS", 120)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if path.suffix.lower() in CSV_SUFFIXES:  # plain text: what it costs grows with its size, nothing hides
        memory += 4 * size
        seconds += 2 * size // MB
    return ParseLimits(memory, seconds)


def cap_memory(memory_bytes: int) -> None:
    """In the reading process: its address space may not grow beyond ``memory_bytes`` (allocations fail;
    a reader written in Rust aborts the process, which the importing process reports)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def start_clock(seconds: int) -> None:
    """In the reading process: SIGALRM after ``seconds`` ends it (default action, also inside native code)."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(max(1, seconds))


def stop_clock() -> None:
    signal.alarm(0)


def memory_message(name: str, limits: ParseLimits) -> tuple[str, str]:
    return (f"读取文件时超出内存上限（{limits.memory_mb} MB）或读取程序异常退出，文件可能有问题"
            f"（如单元格填在极远处的工作表、压缩炸弹），未导入任何数据：{name}",
            f"reading the file went over the memory limit ({limits.memory_mb} MB) or the reader crashed; "
            f"nothing imported: {name}")


def time_message(name: str, limits: ParseLimits) -> tuple[str, str]:
    return (f"读取文件超过时间上限（{limits.seconds} 秒），未导入任何数据：{name}",
            f"reading the file took longer than the limit ({limits.seconds} s); nothing imported: {name}")


def crash_message(name: str, err: BaseException) -> tuple[str, str]:
    return (f"读取文件时出错（{type(err).__name__}），未导入任何数据；请检查文件或联系数据管理员：{name}",
            f"the reader failed ({type(err).__name__}); nothing imported: {name}")



