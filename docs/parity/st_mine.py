"""Reference run of sentence-transformers' mine_hard_negatives on a BEIR directory, for comparison
with `negmine mine` (see docs/false-negatives.md). Not part of the build: needs Python with
sentence-transformers and datasets.

The dataset is the (query text, positive text) pairs of qrels/<split>.tsv with relevance > 0, in
file order; the corpus is every document's title + " " + text, stripped (BEIR's convention, as
negmine embeds them). Writes the mined rows as JSONL (ST's column names) and the printed
statistics go to stdout.

  python docs/parity/st_mine.py --data ~/.negmine/tasks/foldoc-seed17 --model /work/pyref/minilm-frozen \
      --max-length 128 --relative-margin 0.05 --num-negatives 1 --output-format triplet --output-scores \
      --out /tmp/st-foldoc.jsonl
"""
import argparse
import csv
import json
import time

from datasets import Dataset
from sentence_transformers import SentenceTransformer
from sentence_transformers.util import mine_hard_negatives


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--split", default="train")
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--range-min", type=int, default=0)
    p.add_argument("--range-max", type=int)
    p.add_argument("--min-score", type=float)
    p.add_argument("--max-score", type=float)
    p.add_argument("--absolute-margin", type=float)
    p.add_argument("--relative-margin", type=float)
    p.add_argument("--num-negatives", type=int, default=3)
    p.add_argument("--sampling-strategy", default="top")
    p.add_argument("--output-format", default="triplet")
    p.add_argument("--output-scores", action="store_true")
    p.add_argument("--out", required=True)
    a = p.parse_args()

    corpus = [(d.get("title") or "") + " " + (d.get("text") or "") for d in read_jsonl(f"{a.data}/corpus.jsonl")]
    corpus = [t.strip() for t in corpus]
    docs = {d["_id"]: t for d, t in zip(read_jsonl(f"{a.data}/corpus.jsonl"), corpus)}
    queries = {q["_id"]: q["text"] for q in read_jsonl(f"{a.data}/queries.jsonl")}
    anchors, positives = [], []
    with open(f"{a.data}/qrels/{a.split}.tsv", encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        for qid, did, rel in rows:
            if int(rel) > 0:
                anchors.append(queries[qid])
                positives.append(docs[did])
    dataset = Dataset.from_dict({"anchor": anchors, "positive": positives})

    model = SentenceTransformer(a.model, device="cpu")
    model.max_seq_length = a.max_length
    t0 = time.time()
    out = mine_hard_negatives(
        dataset, model, corpus=corpus, range_min=a.range_min, range_max=a.range_max, min_score=a.min_score,
        max_score=a.max_score, absolute_margin=a.absolute_margin, relative_margin=a.relative_margin,
        num_negatives=a.num_negatives, sampling_strategy=a.sampling_strategy, output_format=a.output_format,
        output_scores=a.output_scores, batch_size=64)
    print(f"mined in {time.time() - t0:.1f} s")
    with open(a.out, "w", encoding="utf-8") as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} rows to {a.out}")


if __name__ == "__main__":
    main()
