"""Reads grpo4j's TensorBoard event files with TensorBoard's own loader and prints every scalar.

Usage: python read_tensorboard.py <output_dir>/tensorboard

An independent check of grpo4j's hand-written event format (record framing, CRC32C, Event protobuf):
TensorBoard's EventAccumulator verifies the CRCs, parses the protobufs and applies its rule for a
resumed run (a SessionLog START event drops the later steps of the interrupted run).
Needs the `tensorboard` package (pip), not part of CI.
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main(logdir):
    acc = EventAccumulator(logdir, size_guidance={"scalars": 0})
    acc.Reload()
    for tag in sorted(acc.Tags()["scalars"]):
        print(tag, [(e.step, round(e.value, 6)) for e in acc.Scalars(tag)])


if __name__ == "__main__":
    main(sys.argv[1])
