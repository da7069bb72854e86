from __future__ import annotations

import os
from pathlib import Path

import pytest

from cc_toolkit.check.engine import Config, run
from cc_toolkit.samples import write_zip

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLES = ROOT / "sample_packages"
CC11 = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


# an empty LOM on the schemaversion line keeps the fixture valid against the CC profile (XSD001) without moving lines
_LOM = {CC11: '<lom xmlns="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"/>'}


def manifest(resources: str = "", items: str = "", ns: str = CC11, schema: str = "IMS Common Cartridge",
             version: str = "1.1.0", after: str = "") -> bytes:
    """A small manifest; line 1 is the XML declaration, resources start at line 12."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="M1" xmlns="{ns}">\n'
        "<metadata>\n"
        f"<schema>{schema}</schema>\n"
        f"<schemaversion>{version}</schemaversion>{_LOM.get(ns, '')}\n"
        "</metadata>\n"
        "<organizations>\n"
        f'<organization identifier="O1" structure="rooted-hierarchy"><item identifier="root">{items}</item></organization>\n'
        "</organizations>\n"
        "<resources>\n"
        "<!-- resources follow -->\n"
        f"{resources}"
        "</resources>\n"
        f"</manifest>\n{after}"
    ).encode()


def webres(ident: str, path: str, line_break: bool = True) -> str:
    return f'<resource identifier="{ident}" type="webcontent" href="{path}"><file href="{path}"/></resource>\n'


@pytest.fixture
def make_zip(tmp_path):
    counter = {"n": 0}

    def make(members, name: str | None = None) -> Path:
        counter["n"] += 1
        p = tmp_path / (name or f"pkg{counter['n']}.imscc")
        write_zip(p, members)
        return p

    return make


def findings(path, **config):
    return run(path, Config(**config)).findings


def triples(path, code: str | None = None, **config):
    return [(f.code, f.file, f.line) for f in findings(path, **config) if code is None or f.code == code]


def corpus_required() -> Path:
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared corpus is missing at {CORPUS} (required when CI=true)")
        pytest.skip("shared corpus not available")
    return CORPUS
