"""Canvas-shaped exports of any size, for benchmarks and scale tests (reuses the sample generator).

    python -m cc_toolkit.synth out.imscc --resources 10000 --total-bytes 1000000000 [--version 1.3] [--qti]

Deterministic: the same arguments give the same package. File bodies are streamed into the zip
(never held whole), and the package is valid by the project's own rules.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import zipfile
from pathlib import Path

from .samples import (ZIP_DATE, Assignment, Course, File, Module, ModuleItem, Page, Question, Quiz, Topic,
                      build_course, build_qti_export)

BLOCK = 1 << 20


def synthetic_course(resources: int, seed: int = 1) -> Course:
    """About `resources` manifest resources: pages, assignments, topics, quizzes and files in fixed shares."""
    rng = random.Random(seed)
    n = max(resources, 10)
    n_pages, n_assign, n_topics, n_quiz = n * 30 // 100, n * 10 // 100, n * 5 // 100, n * 5 // 100
    n_files = n - n_pages - n_assign - 2 * n_topics - 2 * n_quiz - 1
    files = [File(100_000 + i, f"folder{i % 50:02d}/file{i:06d}.bin", b"") for i in range(max(n_files, 1))]
    pages = []
    for i in range(n_pages):
        f = files[rng.randrange(len(files))]
        body = (f"<p>Page {i} of a synthetic course.</p>\n<p><a href=\"$IMS-CC-FILEBASE$/{f.path}\">a file</a></p>\n"
                + "<p>" + " ".join(f"word{rng.randrange(10_000)}" for _ in range(120)) + "</p>")
        pages.append(Page(1_000 + i, f"Page {i:06d}", body))
    assignments = [Assignment(20_000 + i, f"Assignment {i:06d}", float(rng.randrange(1, 100))) for i in range(n_assign)]
    topics = [Topic(30_000 + i, f"Topic {i:06d}", announcement=(i % 10 == 0)) for i in range(n_topics)]
    kinds = ("multiple_choice_question", "true_false_question", "essay_question")
    quizzes = [Quiz(40_000 + i, f"Quiz {i:06d}", [Question(1_000_000 + i * 20 + q, kinds[q % 3]) for q in range(10)])
               for i in range(n_quiz)]
    modules = []
    for m in range(max(1, n // 200)):
        items = [ModuleItem(2_000_000 + m * 1000 + j, "page", pages[(m * 5 + j) % len(pages)].id,
                            pages[(m * 5 + j) % len(pages)].title) for j in range(5) if pages]
        modules.append(Module(m + 1, f"Module {m + 1}", items))
    return Course(id=4242, title=f"Synthetic course ({resources} resources)", pages=pages, assignments=assignments,
                  topics=topics, quizzes=quizzes, files=files, modules=modules)


def _blocks(seed: bytes, size: int):
    """Deterministic, incompressible bytes: a 1 MiB random block per file, each copy salted."""
    block = random.Random(hashlib.sha256(seed).digest()).randbytes(min(BLOCK, max(size, 1)))
    left, i = size, 0
    while left > 0:
        chunk = block if left >= len(block) else block[:left]
        if i:
            chunk = i.to_bytes(8, "little") + chunk[8:] if len(chunk) > 8 else chunk
        yield chunk
        left -= len(chunk)
        i += 1


def write_synthetic(path, course: Course, total_bytes: int = 0, version: str = "1.1", qti: bool = False) -> dict:
    """Write the export of `course`; binary files share `total_bytes` and are streamed."""
    if qti:
        members = build_qti_export(course)
        sizes: dict[str, int] = {}
    else:
        manifest, files = build_course(course)
        if version == "1.3":
            manifest = manifest.replace(b"imsccv1p1/imscp_v1p1", b"imsccv1p3/imscp_v1p1").replace(
                b"<schemaversion>1.1.0<", b"<schemaversion>1.3.0<").replace(b"imsccv1p1/LOM/manifest", b"imsccv1p3/LOM/manifest")
        members = {"imsmanifest.xml": manifest, **files}
        per_file = total_bytes // max(len(course.files), 1)
        sizes = {f"web_resources/{f.path}": per_file for f in course.files}
    stats = {"members": 0, "bytes": 0}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            if name in sizes:
                info.compress_type = zipfile.ZIP_STORED
                with z.open(info, "w", force_zip64=sizes[name] > (1 << 31)) as w:
                    for chunk in _blocks(name.encode(), sizes[name]):
                        w.write(chunk)
                stats["bytes"] += sizes[name]
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data, compresslevel=1)
                stats["bytes"] += len(data)
            stats["members"] += 1
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cc_toolkit.synth", description=__doc__.splitlines()[0])
    ap.add_argument("output", type=Path)
    ap.add_argument("--resources", type=int, default=1000)
    ap.add_argument("--total-bytes", type=int, default=0, help="bytes shared by the binary files")
    ap.add_argument("--version", choices=("1.1", "1.3"), default="1.1")
    ap.add_argument("--qti", action="store_true", help="write a QTI export of the quizzes instead")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    t = time.perf_counter()
    stats = write_synthetic(a.output, synthetic_course(a.resources, a.seed), a.total_bytes, a.version, a.qti)
    print(f"{a.output}: {stats['members']} members, {stats['bytes']} bytes uncompressed, "
          f"{a.output.stat().st_size} on disk, {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
