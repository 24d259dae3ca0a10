"""The local terminal workspace behind `goalbot shell`: the real app driven against `slackfake`."""
