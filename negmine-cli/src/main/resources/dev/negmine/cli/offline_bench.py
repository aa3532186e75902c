# The external side of `negmine bench offline`: the whole-corpus top-k job in hnswlib and faiss on
# the vectors negmine wrote, with the same parameters and threads. Prints one JSON object; a
# library that does not import is reported as skipped. Recall against the exact lists negmine
# computed for a sample of rows (plain k-NN, the row itself included, as these libraries return).
import json
import sys
import time

import numpy as np


def recall(found, sample, truth):
    hit = 0
    for i, row in enumerate(sample):
        hit += len(set(found[row].tolist()) & set(truth[i].tolist()))
    return hit / truth.size


def main():
    a = json.loads(sys.argv[1])
    x = np.load(a["vectors"])
    sample = np.load(a["sample"])
    truth = np.load(a["truth"])
    k, threads, jobs = a["top"], a["threads"], a["jobs"]
    out = {}
    if "hnswlib" in jobs:
        try:
            import hnswlib
            t0, c0 = time.perf_counter(), time.process_time()
            p = hnswlib.Index(space="ip", dim=x.shape[1])
            p.init_index(max_elements=x.shape[0], M=a["m"], ef_construction=a["ef_construction"], random_seed=a["seed"])
            p.add_items(x, num_threads=threads)
            t1 = time.perf_counter()
            p.set_ef(a["ef"])
            labels, _ = p.knn_query(x, k=k, num_threads=threads)
            t2 = time.perf_counter()
            out["hnswlib"] = {"build_s": t1 - t0, "query_s": t2 - t1, "total_s": t2 - t0,
                              "cpu_s": time.process_time() - c0,
                              "recall": recall(labels, sample, truth),
                              "params": {"M": a["m"], "ef_construction": a["ef_construction"], "ef": a["ef"]}}
            progress("hnswlib", out["hnswlib"])
        except ImportError as e:
            out["hnswlib"] = {"skipped": "not installed: " + str(e)}
    if "faiss-flat" in jobs or "faiss-ivf" in jobs:
        try:
            import faiss
            faiss.omp_set_num_threads(threads)
            if "faiss-flat" in jobs:
                t0, c0 = time.perf_counter(), time.process_time()
                index = faiss.IndexFlatIP(x.shape[1])
                index.add(x)
                t1 = time.perf_counter()
                _, labels = index.search(x, k)
                t2 = time.perf_counter()
                out["faiss-flat"] = {"build_s": t1 - t0, "query_s": t2 - t1, "total_s": t2 - t0,
                                     "cpu_s": time.process_time() - c0,
                                     "recall": recall(labels, sample, truth), "version": faiss.__version__}
                progress("faiss-flat", out["faiss-flat"])
            if "faiss-ivf" in jobs:
                t0, c0 = time.perf_counter(), time.process_time()
                quant = faiss.IndexFlatIP(x.shape[1])
                index = faiss.IndexIVFFlat(quant, x.shape[1], a["lists"], faiss.METRIC_INNER_PRODUCT)
                index.train(x)
                index.add(x)
                index.nprobe = a["probes"]
                t1 = time.perf_counter()
                _, labels = index.search(x, k)
                t2 = time.perf_counter()
                out["faiss-ivf"] = {"build_s": t1 - t0, "query_s": t2 - t1, "total_s": t2 - t0,
                                    "cpu_s": time.process_time() - c0,
                                    "recall": recall(labels, sample, truth), "version": faiss.__version__,
                                    "params": {"lists": a["lists"], "probes": a["probes"]}}
        except ImportError as e:
            for j in ("faiss-flat", "faiss-ivf"):
                if j in jobs:
                    out[j] = {"skipped": "not installed: " + str(e)}
    print(json.dumps(out))


def progress(job, result):
    print("offline_bench.py: " + job + " " + json.dumps(result), file=sys.stderr, flush=True)


main()
