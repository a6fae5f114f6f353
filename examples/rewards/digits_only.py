"""An external reward for grpo4j: 1 when the completion is digits only, else 0.

grpo4j starts this process once and sends one JSON request per line on stdin:
{"prompts": [...], "completions": [...], "rows": [...], "completion_tokens": [...], "truncated": [...]}
It answers each request with one JSON list of scores (numbers, or null for "does not apply").
"""
import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    scores = [1.0 if c.isdigit() else 0.0 for c in request["completions"]]
    print(json.dumps(scores), flush=True)
