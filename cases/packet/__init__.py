"""Court packet: a case as a PDF (pdf.py), a ZIP with the evidence and a MANIFEST.sha256 (bundle.py), verify.py."""
