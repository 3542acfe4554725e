"""Groups each line of the given Loghub TSV files with the reference Drain
implementation (the drain3 package), for bench/templates.mjs to compare against.
Prints JSON: {file: {"groups": [cluster id per line], "seconds": t}}.

The configuration is drain3's default tree (depth 4, similarity 0.4, 100
children) with the masking its project documents for generic logs (IPs, hex,
numbers, hex sequences); the expressions are written here, not copied."""
import json
import sys
import time

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

EDGE_BEFORE = r"((?<=[^A-Za-z0-9])|^)"
EDGE_AFTER = r"((?=[^A-Za-z0-9])|$)"
MASKS = [
    (EDGE_BEFORE + r"(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))" + EDGE_AFTER, "ID"),
    (EDGE_BEFORE + r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})" + EDGE_AFTER, "IP"),
    (EDGE_BEFORE + r"([0-9a-f]{6,} ?){3,}" + EDGE_AFTER, "SEQ"),
    (EDGE_BEFORE + r"([0-9A-F]{4} ?){4,}" + EDGE_AFTER, "SEQ"),
    (EDGE_BEFORE + r"(0x[a-f0-9A-F]+)" + EDGE_AFTER, "HEX"),
    (EDGE_BEFORE + r"([\-\+]?\d+)" + EDGE_AFTER, "NUM"),
]


def miner():
    config = TemplateMinerConfig()
    config.masking_instructions = [MaskingInstruction(p, m) for p, m in MASKS]
    config.drain_sim_th = 0.4
    config.drain_depth = 4
    config.drain_max_children = 100
    return TemplateMiner(config=config)


def main():
    out = {}
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            rows = [line.rstrip("\n").split("\t", 2) for line in f][1:]
        m = miner()
        started = time.perf_counter()
        groups = [m.add_log_message(row[2] if len(row) > 2 else "")["cluster_id"] for row in rows]
        out[path] = {"groups": groups, "seconds": time.perf_counter() - started}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
