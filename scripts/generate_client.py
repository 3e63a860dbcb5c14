#!/usr/bin/env python
"""Generate the typed Python client from the API schema into .client/dpa_client (``make client``).

openapi-python-client is what integrators use on /api/schema/. Any generator warning
means part of the API is missing or mistyped in the generated client, which is a bug in
the schema, so this fails (exit 1) on any warning, not only on errors. The CI test
``tests/api/test_generated_client.py`` uses the same function.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".client"
PACKAGE = "dpa_client"
CONFIG = {
    "project_name_override": "dpa-client",
    "package_name_override": PACKAGE,
    "post_hooks": [],  # no formatting pass: the code is generated, imported and thrown away
}


class GeneratorWarning(Exception):
    """openapi-python-client reported a warning or an error; the message is its output."""


def generator_version() -> str:
    from importlib.metadata import version

    return version("openapi-python-client")


def schema_document() -> dict:
    """The schema exactly as /api/schema/ serves it (Django must be set up)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


def generate(schema: dict, out: Path = OUT) -> Path:
    """Write ``schema`` and generate the client package from it; return the package path."""
    out.mkdir(parents=True, exist_ok=True)
    schema_path, config_path = out / "schema.json", out / "config.json"
    schema_path.write_text(json.dumps(schema, indent=1))
    config_path.write_text(json.dumps(CONFIG))
    package = out / PACKAGE
    shutil.rmtree(package, ignore_errors=True)
    executable = Path(sys.executable).with_name("openapi-python-client")
    command = [str(executable if executable.exists() else "openapi-python-client"), "generate",
               "--path", str(schema_path), "--output-path", str(package), "--meta", "none",
               "--config", str(config_path)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=out)
    output = (proc.stdout + proc.stderr).strip()
    noise = {f"Generating {package}"}
    problems = [line for line in output.splitlines() if line.strip() and line.strip() not in noise]
    if proc.returncode != 0 or problems:
        raise GeneratorWarning(output)
    return package


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.local")
    import django

    django.setup()
    try:
        package = generate(schema_document())
    except GeneratorWarning as exc:
        print(f"openapi-python-client {generator_version()} reported problems:\n{exc}", file=sys.stderr)
        return 1
    print(f"Generated {package.relative_to(ROOT)} with openapi-python-client {generator_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
