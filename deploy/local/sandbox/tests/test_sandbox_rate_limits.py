"""The sandbox's rate limits: at most N accepted requests in any sliding one-second window, rejections counted."""

from cordial_sandbox.__main__ import parse_args
from cordial_sandbox.rate_limits import RateLimits, SlidingWindow


def test_a_window_refuses_the_request_that_would_make_n_plus_one_within_a_second() -> None:
    window = SlidingWindow(2)
    assert [window.admit(t) for t in (10.0, 10.4, 10.9, 11.0, 11.3, 11.41)] == [True, True, False, True, False, True]
    assert window.report() == {"per_second": 2, "accepted": 4, "rejected": 2, "most_in_one_second": 2}


def test_a_channel_without_a_rate_is_counted_never_refused() -> None:
    limits = RateLimits({"lookup": 1.9})
    assert [limits.admit("lookup", t) for t in (0.0, 0.5, 1.0)] == [True, False, True]
    assert all(limits.admit("sms", 0.0) for _ in range(100))
    assert limits.report()["sms"]["most_in_one_second"] == 100
    limits.configure("lookup", 0)
    assert all(limits.admit("lookup", 5.0) for _ in range(10))
    limits.clear()
    assert limits.report() == {"lookup": {"per_second": 1, "accepted": 0, "rejected": 0, "most_in_one_second": 0}}


def test_rates_are_given_on_the_command_line() -> None:
    args = parse_args(["--token", "t", "--rate", "lookup=100", "--rate", "whatsapp-contacts=5"])
    assert dict(args.rate) == {"lookup": 100.0, "whatsapp-contacts": 5.0}
