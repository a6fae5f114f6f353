#!/usr/bin/env python3
"""Guess-the-number, an external grpo4j environment (docs/environments.md).

grpo4j writes one JSON line per call on stdin and reads one line back on stdout:
  {"episode": 3, "reset": {...dataset row...}}  ->  {"messages": [...]}
  {"episode": 3, "step": "the model's turn"}     ->  {"messages": [...], "reward": 0.0, "done": false}
The row's field "secret" is the number to guess (1..100). Each wrong guess is answered "higher" or
"lower" and costs 0.1; the right one wins 1 and ends the episode. Logs go to stderr, never stdout.
"""
import json
import re
import sys

games = {}  # episode id -> secret number

for line in sys.stdin:
    req = json.loads(line)
    episode = req["episode"]
    if "reset" in req:
        games[episode] = int(req["reset"]["secret"])
        reply = {"messages": []}  # the prompt already states the game
    else:
        secret = games[episode]
        numbers = re.findall(r"-?\d+", req["step"])
        if not numbers:
            reply = {"messages": [{"role": "user", "content": "Answer with a number."}], "reward": -0.1}
        elif int(numbers[-1]) == secret:
            games.pop(episode)
            reply = {"reward": 1.0, "done": True}
        else:
            hint = "higher" if int(numbers[-1]) < secret else "lower"
            reply = {"messages": [{"role": "user", "content": hint}], "reward": -0.1}
    print(json.dumps(reply), flush=True)
