"""bot/roles.py: which registrations are known to be a dead process's (forgotten at
once, so a crashed process's row never blocks its restart for STALE_S) and which are not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from bot.roles import RoleConflict, RoleRegistration, known_dead, registration_name
from storage import Storage


def name_for(pid: int, host: str | None = None, place: str | None = None) -> str:
    own_host, _, _, own_place = registration_name().split(":")
    return f"{host or own_host}:{pid}:0badc0de:{own_place if place is None else place}"


def exited_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_gone_pid_here_is_dead_and_a_live_one_is_not() -> None:
    assert registration_name().count(":") == 3
    assert known_dead(name_for(exited_pid()))
    assert known_dead(name_for(os.getpid()))  # not this process: an earlier one with our pid
    assert not known_dead(name_for(os.getppid()))  # alive


def test_what_this_process_cannot_judge_is_left_to_the_stale_limit() -> None:
    gone = exited_pid()
    assert not known_dead(name_for(gone, host=socket.gethostname()[:30] + "-other"))
    assert not known_dead(name_for(gone, place="0000ffff"))  # another container's pids
    assert not known_dead(name_for(gone, place=""))  # a system that did not say
    assert not known_dead("host:12:abc")
    assert not known_dead("host:x:abc:def")


async def test_a_dead_processs_row_does_not_block_a_start(store: Storage) -> None:
    crashed = RoleRegistration(store, name_for(exited_pid()), "all")
    await crashed.join()  # and never left: the process was killed
    live = RoleRegistration(store, name_for(os.getppid()), "all")
    await live.join()  # the crashed one's row is forgotten
    with pytest.raises(RoleConflict, match="running all process"):  # the live one blocks
        await RoleRegistration(store, registration_name(), "all").join()
