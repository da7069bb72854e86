"""One self-contained HTML report a QA person can open and send: package summary, the module tree with
each item's status, findings grouped and filterable by severity and rule, and the audit table when a
select is given. No network assets: styles and script are inline."""
from __future__ import annotations

import html
import json
from collections import Counter

from .. import __version__

SEV_ORDER = {"error": 3, "warning": 2, "info": 1}
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #d7dde3}
.meta{color:#53606c} table{border-collapse:collapse;width:100%} td,th{padding:4px 8px;border-bottom:1px solid #eef1f4;
text-align:left;vertical-align:top} th{background:#f5f7f9} .badge{display:inline-block;min-width:64px;padding:1px 6px;
border-radius:9px;font-size:12px;text-align:center;color:#fff} .error{background:#c0392b} .warning{background:#d68910}
.info{background:#5d6d7e} .ok{background:#1e8449} .present{background:#1e8449} .missing{background:#c0392b}
.dependency{background:#2471a3} .unexpected{background:#d68910} ul.tree{list-style:none;padding-left:18px}
ul.tree li{margin:2px 0} code{font-size:12px} .counts{width:auto} .counts td{border:none;padding:1px 12px 1px 0}
#filters label{margin-right:14px} .hidden{display:none}
"""
SCRIPT = """
(function(){
  function apply(){
    var sev={}; document.querySelectorAll('#filters input[data-sev]').forEach(function(c){sev[c.dataset.sev]=c.checked;});
    var rule=document.getElementById('rule').value; var shown=0;
    document.querySelectorAll('#findings tbody tr').forEach(function(tr){
      var ok=sev[tr.dataset.sev] && (!rule || tr.dataset.code===rule);
      tr.classList.toggle('hidden',!ok); if(ok) shown++;
    });
    document.getElementById('shown').textContent=shown;
  }
  var h=new URLSearchParams(location.hash.slice(1));
  if(h.get('severity')){ var keep=h.get('severity').split(',');
    document.querySelectorAll('#filters input[data-sev]').forEach(function(c){c.checked=keep.indexOf(c.dataset.sev)>=0;}); }
  if(h.get('rule')){ document.getElementById('rule').value=h.get('rule'); }
  document.querySelectorAll('#filters input, #rule').forEach(function(e){e.addEventListener('change',apply);});
  apply();
})();
"""


def _e(s) -> str:
    return html.escape("" if s is None else str(s))


def _badge(kind: str, text: str | None = None) -> str:
    return f'<span class="badge {kind}">{_e(text or kind)}</span>'


def render(result, audit=None) -> str:
    pkg = result.package
    path = pkg.describe()["path"]  # valid UTF-8 even when the file name is not
    s = result.summary()
    by_ident: dict[str, list] = {}
    by_file: dict[str, list] = {}
    for f in result.findings:
        if f.identifier:
            by_ident.setdefault(f.identifier, []).append(f)
        if f.file:
            by_file.setdefault(f.file, []).append(f)
    res = {r.identifier: r for r in pkg.manifest.resources} if pkg.manifest else {}
    audit_status = {}
    if audit is not None:
        for group in (audit.present, audit.missing, audit.dependencies, audit.unexpected):
            for e in group:
                if e.identifier:
                    audit_status[e.identifier] = e.status

    def item_status(ident, ref) -> str:
        found = list(by_ident.get(ident or "", [])) + list(by_ident.get(ref or "", []))
        if ref in res:
            for p in res[ref].file_paths:
                found += by_file.get(p, [])
        parts = []
        if found:
            worst = max(found, key=lambda f: SEV_ORDER[str(f.severity)])
            parts.append(_badge(str(worst.severity), f"{len(found)} {worst.severity}" if len(found) > 1 else str(worst.severity)))
        else:
            parts.append(_badge("ok"))
        st = audit_status.get(ref or "") or audit_status.get(ident)
        if st:
            parts.append(_badge(st))
        return " ".join(parts)

    out = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cc-toolkit report: {_e(pkg.title or path)}</title>",
           f"<style>{STYLE}</style></head><body>"]
    kind = pkg.kind + (f", CC {pkg.cc_version}" if pkg.cc_version else "") + (", Canvas export" if pkg.canvas else "")
    out.append(f"<h1>{_e(pkg.title or path)}</h1><div class=\"meta\" id=\"package\">{_e(path)} &middot; {_e(kind)}"
               f" &middot; cc-toolkit {__version__}</div>")
    out.append(f'<h2>Summary</h2><p id="summary">{_badge("error")} <b id="n-error">{s["error"]}</b> errors &nbsp; '
               f'{_badge("warning")} <b id="n-warning">{s["warning"]}</b> warnings &nbsp; {_badge("info")} '
               f'<b id="n-info">{s["info"]}</b> info</p><table class="counts" id="counts">')
    out += [f"<tr><td>{_e(k.replace('_', ' '))}</td><td>{v}</td></tr>" for k, v in pkg.counts().items()]
    out.append("</table>")
    # module tree
    out.append('<h2>Course structure</h2><ul class="tree" id="tree">')
    if pkg.modules:
        for m in pkg.modules:
            out.append(f"<li><b>{_e(m.title)}</b> {item_status(m.identifier, None)}<ul class=\"tree\">")
            for it in m.items:
                out.append(f"<li>{_e(it.content_type)}: {_e(it.title)} {item_status(it.identifier, it.identifierref)}</li>")
            out.append("</ul></li>")
    elif pkg.manifest:
        def walk(items):
            for it in items:
                out.append(f"<li>{_e(it.title or it.identifier)} {item_status(it.identifier, it.identifierref)}")
                if it.children:
                    out.append('<ul class="tree">')
                    walk(it.children)
                    out.append("</ul>")
                out.append("</li>")
        for o in pkg.manifest.organizations:
            walk(o.items)
    out.append("</ul>")
    # findings
    codes = Counter(f.code for f in result.findings)
    out.append(f'<h2>Findings (<span id="shown">{len(result.findings)}</span> shown)</h2><div id="filters">')
    for sev in ("error", "warning", "info"):
        out.append(f'<label><input type="checkbox" data-sev="{sev}" checked> {sev} ({s[sev]})</label>')
    out.append('<label>rule <select id="rule"><option value="">all rules</option>')
    out += [f'<option value="{_e(c)}">{_e(c)} ({n})</option>' for c, n in sorted(codes.items())]
    out.append('</select></label></div><table id="findings"><thead><tr><th>severity</th><th>rule</th><th>where</th>'
               "<th>message</th></tr></thead><tbody>")
    for f in sorted(result.findings, key=lambda f: (-SEV_ORDER[str(f.severity)], f.code, f.file or "", f.line or 0)):
        where = f.location or "-"
        ident = f" <code>[{_e(f.identifier)}]</code>" if f.identifier else ""
        out.append(f'<tr data-sev="{f.severity}" data-code="{_e(f.code)}"><td>{_badge(str(f.severity))}</td>'
                   f"<td><code>{_e(f.code)}</code></td><td><code>{_e(where)}</code></td><td>{_e(f.message)}{ident}</td></tr>")
    out.append("</tbody></table>")
    if audit is not None:
        a = audit.summary()
        verdict = "matches the request" if audit.ok else "does not match the request"
        out.append(f'<h2>Audit against the select request</h2><p id="audit-summary">The package {verdict}: '
                   f"{a['requested']} requested, {a['present']} present, {a['missing']} missing, "
                   f"{a['dependencies']} dependencies, {a['unexpected']} unexpected.</p>")
        out.append('<table id="audit"><thead><tr><th>status</th><th>type</th><th>id</th><th>identifier</th>'
                   "<th>title</th><th>why</th></tr></thead><tbody>")
        for group in (audit.missing, audit.unexpected, audit.present, audit.dependencies):
            for e in group:
                out.append(f"<tr><td>{_badge(e.status)}</td><td>{_e(e.type)}</td><td>{_e(e.id)}</td>"
                           f"<td><code>{_e(e.identifier)}</code></td><td>{_e(e.title)}</td><td>{_e(e.reason)}</td></tr>")
        out.append("</tbody></table>")
        if audit.request_warnings:
            out.append("<ul id=\"request-warnings\">" + "".join(f"<li>{_e(w)}</li>" for w in audit.request_warnings) + "</ul>")
    out.append(f"<script>{SCRIPT}</script><script type=\"application/json\" id=\"data\">"
               f"{_e(json.dumps(s))}</script></body></html>")
    return "\n".join(out)
