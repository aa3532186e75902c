"""Compares two mined triplet or n-tuple files with scores (sentence-transformers' and negmine's): rows kept,
share of (anchor, positive) pairs given the same negative(s), and how far apart the scores are.
Standard library only.

  python3 docs/parity/compare_mine.py /tmp/st-foldoc.jsonl /tmp/negmine-foldoc.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict


def load(path):
    rows = defaultdict(list)
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            negs = [r["negative"]] if "negative" in r else [r[f"negative_{i}"] for i in range(1, len(r["scores"]))]
            for neg, score in zip(negs, r["scores"][1:]):
                rows[(r["anchor"], r["positive"])].append((neg, r["scores"][0], score))
            n += 1
    return n, rows


def main():
    na, a = load(sys.argv[1])
    nb, b = load(sys.argv[2])
    keys = set(a) | set(b)
    both = [k for k in keys if k in a and k in b]
    same = [k for k in both if {x[0] for x in a[k]} == {x[0] for x in b[k]}]
    print(f"rows: {na} vs {nb}; (anchor, positive) pairs with negatives: {len(a)} vs {len(b)}; in both {len(both)}")
    print(f"only in first: {len(set(a) - set(b))}, only in second: {len(set(b) - set(a))}")
    print(f"same negatives: {len(same)} of {len(both)} ({100 * len(same) / max(1, len(both)):.2f}%)")
    pos = [abs(a[k][0][1] - b[k][0][1]) for k in both]
    neg = [abs(x[2] - y[2]) for k in same for x, y in zip(sorted(a[k]), sorted(b[k]))]
    if pos:
        print(f"|positive score difference|: mean {statistics.mean(pos):.2e}, max {max(pos):.2e}")
    if neg:
        print(f"|negative score difference| (same negative): mean {statistics.mean(neg):.2e}, max {max(neg):.2e}")
    diff = sorted(k for k in both if k not in set(same))
    for k in diff[:10]:
        print("differs:", repr(k[0])[:60], "| first", [(x[0][:40], round(x[2], 5)) for x in a[k]],
              "| second", [(x[0][:40], round(x[2], 5)) for x in b[k]])


if __name__ == "__main__":
    main()
