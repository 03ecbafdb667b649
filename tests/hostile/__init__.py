"""The hostile corpus (issue 14): modules, programs and bundles that must end with a named error or
CPython's own output, within a time bound, leaving the process healthy. test_hostile_*.py run it in CI;
e2e/make_hostile_bundles.py serves the bundle cases to the browser worker."""
