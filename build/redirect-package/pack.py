"""Packs the code-free redirect package from its nuspec into build/packages/.

A .nupkg is a zip holding the nuspec and OPC part metadata; no `nuget` CLI is
needed, and the result is committed so that a fresh clone restores offline of
this script. Re-run it only when the nuspec changes: python3 build/redirect-package/pack.py
"""
import pathlib, zipfile

here = pathlib.Path(__file__).resolve().parent
nuspec = here / "Patched.DistributedLock.Postgres.nuspec"
out_dir = here.parent / "packages"
out_dir.mkdir(exist_ok=True)
target = out_dir / "patched.distributedlock.postgres.1.3.3.nupkg"

content_types = """<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
</Types>"""
rels = """<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/Patched.DistributedLock.Postgres.nuspec" Id="R1" />
</Relationships>"""

# Fixed timestamps keep the committed archive byte-for-byte reproducible.
stamp = (2024, 1, 1, 0, 0, 0)
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in [("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                       ("Patched.DistributedLock.Postgres.nuspec", nuspec.read_text(encoding="utf-8"))]:
        z.writestr(zipfile.ZipInfo(name, stamp), data)
print(target)
