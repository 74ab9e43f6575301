"""trainer.recent.Recent: least recently used go first, lifetimes end entries."""

from __future__ import annotations

from trainer.recent import Recent


def test_the_least_recently_used_entry_goes_first() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "b" is now the least recently used
    recent.put("c", 3)
    assert recent.get("b") is None
    assert (recent.get("a"), recent.get("c")) == (1, 3)


def test_an_entry_with_a_lifetime_is_gone_after_it() -> None:
    now = [100.0]
    recent: Recent[str, str] = Recent(8, clock=lambda: now[0])
    assert recent.put("kept", "x") == "x"
    recent.put("brief", "y", ttl=5.0)
    now[0] = 104.9
    assert recent.get("brief") == "y"
    now[0] = 105.0
    assert recent.get("brief") is None
    assert recent.get("kept") == "x"


def test_clear_forgets_everything() -> None:
    recent: Recent[str, int] = Recent(4)
    recent.put("a", 1)
    recent.put("b", 2)
    assert len(recent) == 2
    recent.clear()
    assert len(recent) == 0
    assert recent.get("a") is None
