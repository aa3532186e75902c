"""The standard sentence-transformers recipe on a BEIR-layout task (reference for negmine's fine-tuning).

MNRL, batch 32 (NO_DUPLICATES), one hard negative per query mined from the corpus with the frozen
model under a 5% relative margin (mine_hard_negatives defaults otherwise), AdamW 2e-5, 10% warm-up,
linear decay, 100 steps, 128 tokens. Prints frozen and fine-tuned test nDCG@10 (BEIR definition,
binary qrels) at the model's own max length (256). --negatives none = in-batch only."""
import argparse, json, math, os, random, sys, time
import numpy as np, torch
from datasets import Dataset
from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments, losses
from sentence_transformers.training_args import BatchSamplers
from sentence_transformers.util import mine_hard_negatives

p = argparse.ArgumentParser()
p.add_argument("--data", required=True); p.add_argument("--model", required=True); p.add_argument("--out", required=True)
p.add_argument("--steps", type=int, default=100); p.add_argument("--lr", type=float, default=2e-5)
p.add_argument("--seed", type=int, default=42); p.add_argument("--negatives", default="hard", choices=["hard", "none"])
p.add_argument("--range-max", type=int, default=None); p.add_argument("--weight-decay", type=float, default=0.0)
p.add_argument("--skip-frozen", action="store_true")
a = p.parse_args()
torch.manual_seed(a.seed); random.seed(a.seed); np.random.seed(a.seed)

def jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]
def qrels(split):
    rel = {}
    with open(os.path.join(a.data, "qrels", split + ".tsv")) as f:
        next(f)
        for line in f:
            q, d, s = line.rstrip("\n").split("\t")
            if int(s) > 0: rel.setdefault(q, set()).add(d)
    return rel
corpus = jsonl(os.path.join(a.data, "corpus.jsonl"))
doc_ids = [d["_id"] for d in corpus]
doc_text = {d["_id"]: (d.get("title", "") + " " + d["text"]).strip() for d in corpus}
queries = {q["_id"]: q["text"] for q in jsonl(os.path.join(a.data, "queries.jsonl"))}

def ndcg10(model, split):
    rel = qrels(split); qids = sorted(rel)
    model.max_seq_length = 256
    D = model.encode([doc_text[i] for i in doc_ids], batch_size=64, convert_to_tensor=True, normalize_embeddings=True)
    Q = model.encode([queries[q] for q in qids], batch_size=64, convert_to_tensor=True, normalize_embeddings=True)
    top = torch.topk(Q @ D.T, 10, dim=1).indices.tolist()
    total = 0.0
    for q, row in zip(qids, top):
        r = rel[q]
        dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(row) if doc_ids[d] in r)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(r), 10)))
        total += dcg / idcg
    return total / len(qids)

t0 = time.time()
model = SentenceTransformer(a.model, device="cpu")
result = {"threads": torch.get_num_threads(), "torch": torch.__version__}
if not a.skip_frozen:
    result["frozen_test_ndcg10"] = ndcg10(model, "test"); print("frozen test nDCG@10", result["frozen_test_ndcg10"], flush=True)
t_train = time.time()
model.max_seq_length = 128
train = qrels("train")
pairs = [(queries[q], doc_text[d]) for q in sorted(train) for d in sorted(train[q])]
ds = Dataset.from_dict({"anchor": [q for q, _ in pairs], "positive": [d for _, d in pairs]})
if a.negatives == "hard":
    ds = mine_hard_negatives(ds, model, corpus=[doc_text[i] for i in doc_ids], relative_margin=0.05, num_negatives=1,
                             range_max=a.range_max, sampling_strategy="top", batch_size=64)
result["train_rows"] = len(ds)
args = SentenceTransformerTrainingArguments(output_dir=os.path.join(a.out, "ckpt"), max_steps=a.steps, per_device_train_batch_size=32,
    learning_rate=a.lr, warmup_ratio=0.1, weight_decay=a.weight_decay, seed=a.seed, batch_sampler=BatchSamplers.NO_DUPLICATES,
    save_strategy="no", logging_steps=10, report_to=[], use_cpu=True, dataloader_drop_last=True)
trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=ds, loss=losses.MultipleNegativesRankingLoss(model))
trainer.train()
result["train_seconds"] = time.time() - t_train
result["finetuned_test_ndcg10"] = ndcg10(model, "test")
if "frozen_test_ndcg10" in result: result["gain"] = result["finetuned_test_ndcg10"] - result["frozen_test_ndcg10"]
result["total_seconds"] = time.time() - t0
result.update(vars(a))
print(json.dumps(result, indent=1), flush=True)
with open(os.path.join(a.out, "result.json"), "w") as f: json.dump(result, f, indent=1)
