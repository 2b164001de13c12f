"""`ikg build`: the sources read and checked (SHACL, evidence), materialised, counted and written as the
dumps, the DCAT-AP.de catalogue, VoID and every resource's description, into a folder that replaces dist/
whole. `pipeline` runs the steps. Never imports `query`, `web` or `workbook`: a build needs no server."""
