"""The pure keyboard-wedge burst parser: examples and an order/accounting property."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.scanners.wedge import PassEnter, ReplayKeys, ScanDetected, WedgeBurstParser

SCAN_GAP = 0.010  # a scanner types ~100 keys/s
HUMAN_GAP = 0.150


def type_text(parser, text, start, gap, enter=True):
    """Feed ``text`` (and an Enter) with a fixed gap; return (actions, time after)."""
    actions, t = [], start
    for char in text:
        actions += parser.feed(char, t)
        t += gap
    if enter:
        actions += parser.feed_enter(t)
    return actions, t


def test_scanner_burst_is_a_scan_and_enter_is_swallowed():
    parser = WedgeBurstParser()
    actions, _ = type_text(parser, "4006381333931", 100.0, SCAN_GAP)
    assert actions == [ScanDetected("4006381333931")]
    assert not parser.pending


def test_human_typing_is_replayed_with_enter():
    parser = WedgeBurstParser()
    actions, _ = type_text(parser, "milk", 5.0, HUMAN_GAP)
    assert "".join(a.chars for a in actions if isinstance(a, ReplayKeys)) == "milk"
    assert actions[-1] == PassEnter()


def test_typed_chars_wait_for_flush_not_for_the_next_key():
    parser = WedgeBurstParser()
    assert parser.feed("a", 1.0) == []
    assert parser.next_deadline() == 1.0 + parser.max_gap_s
    assert parser.flush(1.01) == []  # the burst may still continue
    assert parser.flush(1.1) == [ReplayKeys("a")]
    assert parser.next_deadline() is None and parser.flush(9.0) == []


def test_short_fast_burst_is_typing():
    parser = WedgeBurstParser(min_length=6)
    actions, _ = type_text(parser, "12345", 0.0, SCAN_GAP)
    assert actions == [ReplayKeys("12345"), PassEnter()]


def test_slow_enter_after_fast_burst_is_not_a_scan():
    parser = WedgeBurstParser()
    actions, t = type_text(parser, "4006381333931", 0.0, SCAN_GAP, enter=False)
    actions += parser.feed_enter(t + 0.5)
    assert actions == [ReplayKeys("4006381333931"), PassEnter()]


def test_burst_longer_than_max_scan_s_is_typing():
    parser = WedgeBurstParser(max_scan_s=0.1)
    actions, _ = type_text(parser, "x" * 30, 0.0, SCAN_GAP)  # 0.3 s, e.g. key auto-repeat
    replayed = "".join(a.chars for a in actions if isinstance(a, ReplayKeys))
    assert not any(isinstance(a, ScanDetected) for a in actions) and replayed == "x" * 30


def test_typed_key_followed_by_a_scan():
    parser = WedgeBurstParser()
    actions = parser.feed("q", 0.0)
    more, _ = type_text(parser, "96385074", 1.0, SCAN_GAP)
    assert actions + more == [ReplayKeys("q"), ScanDetected("96385074")]


def test_control_characters_never_replayed_but_kept_in_scans():
    parser = WedgeBurstParser()
    actions, _ = type_text(parser, "a\tb\x1d", 0.0, HUMAN_GAP)
    replays = [a.chars for a in actions if isinstance(a, ReplayKeys)]
    assert replays == ["a", "b"]
    gs1, _ = type_text(parser, "0107035876006187\x1d10ABC", 10.0, SCAN_GAP)
    assert gs1 == [ScanDetected("0107035876006187\x1d10ABC")]


def test_only_control_characters_replay_nothing():
    parser = WedgeBurstParser()
    parser.feed("\x1b", 0.0)
    assert parser.flush(1.0) == []


def test_prefix_makes_short_codes_scans_and_is_stripped():
    parser = WedgeBurstParser(prefix="\x02")
    actions, _ = type_text(parser, "\x02123", 0.0, SCAN_GAP)
    assert actions == [ScanDetected("123")]
    actions, _ = type_text(parser, "\x02", 1.0, SCAN_GAP)  # prefix alone is no scan
    assert actions == [PassEnter()]


def test_enter_alone_passes_and_force_flush_releases():
    parser = WedgeBurstParser()
    assert parser.feed_enter(0.0) == [PassEnter()]
    parser.feed("ab", 1.0)
    assert parser.flush(1.0, force=True) == [ReplayKeys("ab")]


ENTER = object()
chars = st.sampled_from(list("0123456789abcXYZ -\t\x1d\x1b") + ["\u00e9"])
events = st.lists(
    st.tuples(
        st.one_of(chars, st.just(ENTER)),
        st.sampled_from([0.0, 0.005, 0.02, 0.035, 0.036, 0.1, 0.5, 2.0]),
    ),
    max_size=80,
)


@settings(max_examples=400, deadline=None)
@given(events, st.integers(1, 8), st.sampled_from(["", "\x02", "#"]))
def test_every_key_is_scanned_or_replayed_exactly_once_in_order(seq, min_length, prefix):
    parser = WedgeBurstParser(min_length=min_length, prefix=prefix)
    t, actions, fed = 50.0, [], []
    for item, gap in seq:
        t += gap
        if item is ENTER:
            actions += parser.feed_enter(t)
        else:
            actions += parser.feed(item, t)
        fed.append(item)
        if gap > 0.1:  # the UI timer fires now and then
            actions += parser.flush(t)
    actions += parser.flush(t + 10.0)
    assert not parser.pending

    out = []
    for action in actions:
        if isinstance(action, ScanDetected):
            assert action.code and (len(action.code) >= min_length or prefix)
            out += [*action.code, ENTER]
        elif isinstance(action, ReplayKeys):
            assert action.chars and all(c.isprintable() for c in action.chars)
            out += list(action.chars)
        else:
            out.append(ENTER)
    # Every output item matches the next input item, in order; input items without output
    # are control characters or a stripped scan prefix.
    j = 0
    for item in fed:
        if j < len(out) and (out[j] is item if item is ENTER else out[j] == item):
            j += 1
        else:
            assert item is not ENTER and (not item.isprintable() or item == prefix), item
    assert j == len(out)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789ABC", min_size=6, max_size=40),
    st.floats(0.0, 0.03),
    st.text(alphabet="abc ", max_size=5),
)
def test_a_real_scan_after_typing_is_always_detected(code, gap, typed):
    parser = WedgeBurstParser()
    actions, t = type_text(parser, typed, 0.0, HUMAN_GAP, enter=False)
    more, _ = type_text(parser, code, t + 1.0, min(gap, 1.4 / len(code)))
    assert more[-1] == ScanDetected(code)
    replayed = "".join(a.chars for a in actions + more if isinstance(a, ReplayKeys))
    assert replayed == typed


def test_suffix_is_stripped_and_makes_short_codes_scans():
    parser = WedgeBurstParser(prefix="#", suffix="$")
    actions, _ = type_text(parser, "#12$", 0.0, SCAN_GAP)
    assert actions == [ScanDetected("12")]
    only_suffix = WedgeBurstParser(suffix="\x03")
    actions, _ = type_text(only_suffix, "4006381333931\x03", 1.0, SCAN_GAP)
    assert actions == [ScanDetected("4006381333931")]


def test_typed_text_ending_like_the_suffix_is_still_typing():
    parser = WedgeBurstParser(suffix="$")
    actions, _ = type_text(parser, "12$", 0.0, HUMAN_GAP)
    assert [a for a in actions if isinstance(a, ReplayKeys)] and actions[-1] == PassEnter()


def test_gs_substitute_becomes_ascii_29_and_aim_ids_stay():
    parser = WedgeBurstParser(gs_substitute="~")
    actions, _ = type_text(parser, "]C10107035876006187~10ABC", 0.0, SCAN_GAP)
    assert actions == [ScanDetected("]C10107035876006187\x1d10ABC")]
    raw_gs, _ = type_text(parser, "]e0\x1d0107035876006187\x1d3103001250", 1.0, SCAN_GAP)
    assert raw_gs == [ScanDetected("]e0\x1d0107035876006187\x1d3103001250")]


def test_mixed_case_codes_are_scanned_whole():
    parser = WedgeBurstParser()
    for n, code in enumerate(("RT01-00000001", "SKU0000005", "GIFT-5000")):
        actions, _ = type_text(parser, code, 10.0 * n, 0.003)
        assert actions == [ScanDetected(code)]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789ABCxyz-/\x1d", min_size=1, max_size=30),
    st.sampled_from(["", "\x02", "#"]),
    st.sampled_from(["", "\x03", "$"]),
)
def test_framed_scans_come_out_without_their_frame(code, prefix, suffix):
    parser = WedgeBurstParser(prefix=prefix, suffix=suffix, min_length=1)
    actions, _ = type_text(parser, prefix + code + suffix, 0.0, SCAN_GAP)
    assert actions == [ScanDetected(code)]
