"""The official 1EdTech schema set, for `--schemas DIR` (official mode): where each file is published,
its pinned SHA-256, and `install`, which downloads the set into the user cache and verifies each file.

The set is laid out by URL (`DIR/www.imsglobal.org/profile/cc/...`), as the files import each other by
absolute URL. The pins are the files the entry points in `cc_toolkit.schemas.CATALOG` need (imports and
includes followed); `www.imsglobal.org/xsd/w3/1999/xlink.xsd`, imported by the CC 1.3 CP extension, is
not published and is not needed (its attributes are never used by cartridges).
"""
from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MAX_FILE = 2_000_000

PINNED: dict[str, str] = {
    "www.imsglobal.org/profile/cc/cc_extensions/cc_extresource_assignmentv1p0_v1p0.xsd":
        "532c2a5c1031a9351ff483f5c0a3ddc2cb5a9b21ee3d29f332ecac2cd6688ff9",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/cclibxml2validator.xsd":
        "305940dc1989a2043bff4bab4e32160276172a44a862f2a08f294674b00dc360",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_0/imsccauth_v1p0_localised.xsd":
        "ca3c473edcebc0a15795e37f60e5fd411751a2e5a5a73bb9e14c0c631aad3195",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/anyElement_localised.xsd":
        "67ee9a5dbfc48328de2009e283213e697060d3f5e2d62ac5095168c76f6dfc39",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/dataTypes_localised.xsd":
        "93fcbce762cd9861f5ca99dec8d2d7050aa024c0a8660e902c96864e3d384786",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/elementNames_localised.xsd":
        "c7d53700df52cd28bb76bbaf585f3a5822a6b5c2df4b85400e8ee21b72f71fe7",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/elementTypes_localised.xsd":
        "dae28c5f731eb120ed5311c7cad5fac92387801454b7a2421a6c906e6363e7cd",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/extend/custom.xsd":
        "2384976a4346f917ed470ae820c74aaf4ffcb4365fa18db1c1413ddef05666b7",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/imscc_m_definition.xsd":
        "49088d2c6729df6bd72fea604df1a6cca6bd8ce437fdc0d8dda0c72b6e157985",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/lomLoose_localised.xsd":
        "ac8e3415d9e283dce6db098079ab6b88310776bca325478b351246e78d030cbd",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/rootElement_localised.xsd":
        "af90eb2defa4fb18609c6eae81bb64d8f1608befef84acb7c8d44d71ee126139",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/unique/loose.xsd":
        "f21c5cead00d393f930732c1c300c80357dae5602752c5eef1f4764f3f6ffcd5",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/vocab/loose.xsd":
        "c885c48577be0f9101dfe3c87090a655bbd31a8d855ff433945048ee9d832b98",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/vocabTypes_localised.xsd":
        "76f44f7a70704497277a4a3d4673acf02f5a1b5de3016f91285c4e23b87c9a51",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_1/vocabValues_localised.xsd":
        "d3b587705184dec3667c507093719d445b026c18037f6d8f25d41a83ae9ed48f",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/anyElement_localised.xsd":
        "10645b28d545bca79966ad6732218661ec72094ec2208ccdd717238cbe338b07",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/dataTypes_localised.xsd":
        "8bae9ff096b1325e8c119fb86248280639931b167e1ea2993a43b6287c4ac3bb",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/elementNames_localised.xsd":
        "848a4623f7983a375ba3c457eebdb45449d0511e1f1720d97d6a249bcdc96212",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/elementTypes_localised.xsd":
        "8ff87a15fdd2649faab4a7aff7b3c2c64582b500f7839b40f12973e6c89f7b1e",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/extend/custom.xsd":
        "924d57708f21170bf611e3180d3fbc50da693308b759dacf8884fc2667431d5d",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/imscc_mR_definition.xsd":
        "46bc63f2801a40370877b362b6ba608eb1ad192fe19ed22f7f7f6c57153c3ceb",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/lomLoose_localised.xsd":
        "2c31df957cc2efd01f1077010261542b15d6ba7354107e338da848d82c5d4a9c",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/rootElement_localised.xsd":
        "ee68e668ba22ee4a3aea9bb0788b07bb293e40d8e990a3aea6083b276f7a33df",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/unique/loose.xsd":
        "2aef482cdb46b5df4ac6d23df446d8b44e2cbb264dd31ca88a1c993ac09ad4e2",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/vocab/loose.xsd":
        "a9d8d67333de6c308051e6acbb79f629021b2f758f736f154239a992fbce91e4",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/vocabTypes_localised.xsd":
        "edae698378d39164da555557ca7894336d102de4701715585cc8abf7deb36072",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_2/vocabValues_localised.xsd":
        "f0ecbd38aed87b4730142d16f5aa1522c5600730783dfa4b1df6ac1ddaadcf68",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_5/imswl_v1p0.xsd":
        "ba27bb9c5acc54a16c2ad0fe877302914454d9228cad6cbf1fbe27e23b1f87f0",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/domainProfile_6/imsdt_v1p0.xsd":
        "331709d15072271d50c8bb56ff2cce1d067eca20dd387ec064af14cbb2535253",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/imscc_c1p2maeV0p15_definition.xsd":
        "c81588436891b9d45a797172008266e3c8238541e4bda209a94384890d03e584",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/imscp_v1p2.xsd":
        "525730304745bbf1f15689e240257e08fa405197b8c35f7b3e64e043f0205b71",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/imscp_v1p2_localised.xsd":
        "04ed4352a0484371ae79645a576bb918260ab6121fa5668800e130b283088f43",
    "www.imsglobal.org/profile/cc/ccv1p0/derived_schema/xml.xsd":
        "b5bb14cf42faad9d85360271307809365783ef3d0907a243376a34c441faaa7c",
    "www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd":
        "7618b1ca1ad3b5858ac69835a66b4307396c121e8ab9e87dd533479f682bea0f",
    "www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd":
        "7d9250e5e6fc8e9bbb174005413f403c906d61aa3cf8bba65b80dc3450797ccd",
    "www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imsccauth_v1p1.xsd":
        "d9129dad9f48168e6be1d279aeac59b6812c9c3cb71134b9a847fee89891c7c4",
    "www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd":
        "3cd17bda88b09f89cec09270c371fbe22ada40e91f98c8e561f538b4babee2f0",
    "www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imsdt_v1p1.xsd":
        "189edff3b30899044735be7386d7a4d85190f244d31f66aeea0857b165e6b5b7",
    "www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd":
        "50bb2dd86577030d018bfd9e88d6a02dcfe82acc09434b36306bcef054689244",
    "www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd":
        "d523614e512733f3e4d66230fc59487fbdc29a3ca70544b021e2a20e99896e3f",
    "www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lomccltilink_v1p0.xsd":
        "9ae1fd73bcca86466b748ccbc9079abb5e6521124486e14711f25eab6465fe57",
    "www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd":
        "b4b92a6780b3f8df2c7bfb42b13bbee24a68a5863dc9b8ba3283a9d304834855",
    "www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lomresource_v1p0.xsd":
        "ecd1883e727eb1d28d2889bb6843e168fd3147d75cd401889a8f0349f86448a6",
    "www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_cpextensionv1p2_v1p0.xsd":
        "7277cae6c22c1f54d17705bf2c16e5c50c44a2f9f1acbe76db108ded8cb6ddee",
    "www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imsccauth_v1p3.xsd":
        "b47fd703287a2d1d10bb37f677f9704180abb633e9b41d856eb60985fa6228b9",
    "www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd":
        "ad96ef19dfb66d2d22c20722a46a3c3b37b9ba8a155d496d18b425fa887b035f",
    "www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscsmd_v1p0.xsd":
        "364e2d5ebc274c03370ea3c5c82ef644bd9880a3499b9656096e48cda2638fb8",
    "www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imsdt_v1p3.xsd":
        "6a10c20b556a0ed59d3cf18632e7ca0100d689f2634eeddbc039e2fd41846ab3",
    "www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imswl_v1p3.xsd":
        "8aa100742d93ed5eff35387d62d767ecd160426a58efc2accb5c6cb7283a761e",
    "www.imsglobal.org/xsd/lti/ltiv1p0/imsbasiclti_v1p0p1.xsd":
        "79c59ac2fe66987eeaa45a706e6c4abb1feca1ca1456cbd14cfb8ed2f104da4a",
    "www.imsglobal.org/xsd/lti/ltiv1p0/imslticc_v1p0p1.xsd":
        "544aab11fb82a0ec896e04bdcd7cf769ce251edf7e8794fa15f57596b2ce54ec",
    "www.imsglobal.org/xsd/lti/ltiv1p0/imslticm_v1p0.xsd":
        "d0072e310861eacb2799fd7d432c623399a8facad9404d768431f4973e0e2931",
    "www.imsglobal.org/xsd/lti/ltiv1p0/imslticp_v1p0.xsd":
        "bf08080f5850ff40ae5bf2860b74e293783aeebb7a0b4e32cef47704744d0109",
    "www.imsglobal.org/xsd/lti/ltiv1p3/imslticc_v1p3.xsd":
        "cd656064c2238eeefb02c08149e0228f248b8007033c39576c4c76b8c44657e1",
    "www.imsglobal.org/xsd/w3/2001/xml.xsd":
        "b5bb14cf42faad9d85360271307809365783ef3d0907a243376a34c441faaa7c",
    "www.w3.org/2001/xml.xsd":
        "b5bb14cf42faad9d85360271307809365783ef3d0907a243376a34c441faaa7c",
}


def default_dir() -> Path:
    """The user cache: $XDG_CACHE_HOME/cc_toolkit/ims-xsd (~/.cache/... by default)."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "cc_toolkit" / "ims-xsd"


def published_url(path: str, base_url: str | None = None) -> str:
    if base_url:
        return base_url.rstrip("/") + "/" + path
    return "http://" + path


@dataclass(frozen=True)
class Installed:
    path: str
    status: str  # "ok", "already", "mismatch", "failed"
    detail: str = ""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def install(dest: Path | None = None, base_url: str | None = None, timeout: float = 30.0) -> list[Installed]:
    """Download every pinned file (from its published URL, or from BASE_URL/<path>) into `dest`,
    verifying its SHA-256; a file that does not match is not written."""
    dest = Path(dest or default_dir())
    out: list[Installed] = []
    for path, sha in sorted(PINNED.items()):
        target = dest / path
        if target.is_file() and _sha(target.read_bytes()) == sha:
            out.append(Installed(path, "already"))
            continue
        url = published_url(path, base_url)
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (http(s) URLs we build)
                data = resp.read(MAX_FILE + 1)
        except Exception as exc:  # network errors are results, not tracebacks
            out.append(Installed(path, "failed", f"{url}: {exc}"))
            continue
        if len(data) > MAX_FILE:
            out.append(Installed(path, "failed", f"{url}: larger than {MAX_FILE} bytes"))
            continue
        got = _sha(data)
        if got != sha:
            out.append(Installed(path, "mismatch", f"{url}: sha256 {got}, expected {sha}"))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
        out.append(Installed(path, "ok", url))
    return out


def verify(dest: Path) -> dict[str, str]:
    """path -> "ok" | "missing" | "modified" for every pinned file under `dest`."""
    res = {}
    for path, sha in PINNED.items():
        f = Path(dest) / path
        res[path] = "missing" if not f.is_file() else ("ok" if _sha(f.read_bytes()) == sha else "modified")
    return res
