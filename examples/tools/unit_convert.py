"""An external tool for grpo4j: converts lengths between units.

grpo4j starts it once and keeps it for the run. For each call it writes one JSON line on stdin,
{"name": "unit_convert", "arguments": {"value": 3, "from": "km", "to": "m"}}, and reads one line back:
{"content": "3000"} for a result, or {"error": "..."} for a failed call (the model sees the message).
stdout is for replies only: log to stderr. Exit when stdin ends.
"""
import json
import sys

METRES = {"mm": 0.001, "cm": 0.01, "m": 1.0, "km": 1000.0, "in": 0.0254, "ft": 0.3048, "mi": 1609.344}

for line in sys.stdin:
    call = json.loads(line)
    args = call.get("arguments", {})
    try:
        value = float(args["value"])
        result = value * METRES[args["from"]] / METRES[args["to"]]
        reply = {"content": f"{result:g}"}
    except KeyError as e:
        reply = {"error": f"unknown or missing argument {e}; units: {', '.join(METRES)}"}
    except (TypeError, ValueError) as e:
        reply = {"error": str(e)}
    print(json.dumps(reply), flush=True)
