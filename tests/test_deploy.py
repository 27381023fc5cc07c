"""Production packaging: docker-compose.yml, the Dockerfile's build steps, the production settings
and the README sections that describe them. No Docker engine and no services needed."""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
README = ROOT / "README.md"
APP_SERVICES = {"migrate", "web", "worker", "beat"}


def load_compose(path=COMPOSE_FILE):
    return YAML(typ="safe").load(path.read_text())


def readme_section(title):
    text = README.read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def production_env(**overrides):
    """A realistic production environment, and nothing of the environment running the tests."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "vzhg.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "vzhg.example.nl",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://vzhg.example.nl",
        "DATABASE_URL": "postgres://vzhg:s3cr3tPassw0rd@postgres.internal:5432/vzhg",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "SITE_URL": "https://vzhg.example.nl",
        "EMAIL_HOST": "smtp.example.nl",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "vzhg",
        "EMAIL_HOST_PASSWORD": "smtp-password",
        "EMAIL_USE_TLS": "true",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, env, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


# --- docker-compose.yml ---------------------------------------------------------------------


def check_compose_schema(path):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_file_validates_against_the_compose_specification():
    result = check_compose_schema(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_schema_check_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("service_healthy", "service_ready", 1))
    result = check_compose_schema(broken)
    assert result.returncode != 0
    assert "service_ready" in result.stdout + result.stderr


def test_compose_services_depend_on_services_and_volumes_that_exist():
    compose = load_compose()
    services = compose["services"]
    declared_volumes = set(compose.get("volumes") or {})
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)

    used_volumes = set()
    for name, service in services.items():
        for target in service.get("depends_on") or {}:
            assert target in services, f"{name} depends on unknown service {target}"
            assert target != name
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~", "$")):
                assert source in declared_volumes, f"{name} mounts undeclared volume {source}"
                used_volumes.add(source)
    assert used_volumes == declared_volumes, "a declared volume is never mounted"
    assert any("postgresql/data" in v for v in services["postgres"]["volumes"])
    assert any(v.startswith("media:") for v in services["web"]["volumes"])


def test_compose_wiring_is_production_ready():
    services = load_compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert [name for name, service in services.items() if service.get("ports")] == ["web"]

    for name in ("web", "worker"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
        assert depends_on["postgres"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"
    assert services["beat"]["depends_on"]["redis"]["condition"] == "service_healthy"

    raw = COMPOSE_FILE.read_text()
    assert re.search(r"DJANGO_SECRET_KEY: \$\{DJANGO_SECRET_KEY:\?", raw), "the secret key must be required"
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "vzhg.settings.production"
        for variable in (
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
        ):
            assert variable in env, f"{name} lacks {variable}"
        assert services[name]["image"] == services["web"]["image"]
    # No literal secrets: every password-like value is interpolated from the environment.
    for name, service in services.items():
        for variable, value in (service.get("environment") or {}).items():
            if any(word in variable for word in ("SECRET", "PASSWORD")):
                assert str(value).startswith("${"), f"{name}: {variable} is hard-coded"


def test_compose_commands_match_the_readme():
    services = load_compose()["services"]
    in_compose = {
        name: shlex.split(service["command"])
        if isinstance(service["command"], str)
        else list(service["command"])
        for name, service in services.items()
        if name in APP_SERVICES
    }

    section = readme_section("Production with docker compose")
    in_readme = {}
    for block in re.findall(r"```[a-z]*\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            match = re.match(r"^(\w+):\s+(\S.*)$", line)
            if match and match.group(1) in APP_SERVICES:
                in_readme[match.group(1)] = shlex.split(match.group(2))

    assert in_readme == in_compose
    assert in_compose["worker"][:5] == ["celery", "-A", "vzhg", "worker", "-l"]
    assert in_compose["beat"][:5] == ["celery", "-A", "vzhg", "beat", "-l"]
    assert in_compose["web"][:2] == ["gunicorn", "vzhg.wsgi:application"]


# --- Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_runs_the_compose_web_command_by_default():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    cmd = [arguments for keyword, arguments in instructions if keyword == "CMD"]
    assert len(cmd) == 1
    assert json.loads(cmd[0]) == load_compose()["services"]["web"]["command"]
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    # Build-time values of the production settings must not end up in the image's environment.
    for keyword, arguments in instructions:
        if keyword in ("ENV", "ARG"):
            assert not re.search(r"SECRET_KEY|DATABASE_URL|REDIS_URL|ALLOWED_HOSTS", arguments)


def dockerignore_patterns():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def is_dockerignored(relative, patterns):
    parts = Path(relative).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def test_image_build_steps_succeed_on_the_build_context(tmp_path):
    """Replays the Dockerfile's COPY and compilemessages/collectstatic step on a copy of the build
    context (the tree minus .dockerignore), with exactly the throw-away environment it gives."""
    patterns = dockerignore_patterns()
    for needed in (
        "manage.py",
        "requirements.txt",
        "vzhg/settings/production.py",
        "templates/base.html",
        "static/vendor/bootstrap/bootstrap.min.css",
    ):
        assert not is_dockerignored(needed, patterns), f"{needed} is kept out of the image"
    for kept_out in (".venv", ".git", "node_modules", "var/db.sqlite3", "members/__pycache__/x.pyc"):
        assert is_dockerignored(kept_out, patterns), f"{kept_out} would be copied into the image"

    context = tmp_path / "app"
    context.mkdir()
    for directory, subdirectories, files in os.walk(ROOT):
        here = Path(directory).relative_to(ROOT)
        subdirectories[:] = [
            d for d in subdirectories if not is_dockerignored((here / d).as_posix(), patterns)
        ]
        for name in files:
            relative = (here / name).as_posix()
            if not is_dockerignored(relative, patterns):
                (context / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / relative, context / relative)

    [build_step] = [
        arguments
        for keyword, arguments in dockerfile_instructions()
        if keyword == "RUN" and "collectstatic" in arguments
    ]
    words = shlex.split(build_step)
    build_env = {}
    while re.match(r"^[A-Z_]+=", words[0]):
        key, _, value = words.pop(0).partition("=")
        build_env[key] = value
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "vzhg.settings.production",
        **build_env,
    }
    result = subprocess.run(words, cwd=context, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = json.loads((context / "var" / "staticfiles" / "staticfiles.json").read_text())
    assert "vendor/bootstrap/bootstrap.min.css" in manifest["paths"]
    assert "css/vzhg.css" in manifest["paths"]
    for po_file in context.glob("locale/*/LC_MESSAGES/*.po"):
        assert po_file.with_suffix(".mo").exists(), f"{po_file} was not compiled"


# --- production settings --------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output and "ERRORS" not in output


@pytest.mark.parametrize(
    "variable",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL", "EMAIL_HOST"],
)
def test_production_settings_refuse_to_start_without(variable):
    result = manage("check", env=production_env(**{variable: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {variable} environment variable" in result.stderr


def production_shell(code, **env):
    """Runs `code` in `manage.py shell` with the production settings; returns what it printed."""
    result = manage("shell", "--no-imports", "-c", code, env=production_env(**env))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_health_urls_answer_plain_http_while_everything_else_redirects_to_https(tmp_path):
    output = production_shell(
        "from django.test import Client\n"
        "client = Client()\n"
        "for path in ('/health/', '/health/live/', '/'):\n"
        "    response = client.get(path, HTTP_HOST='vzhg.example.nl')\n"
        "    print(path, response.status_code, response.get('Location', '-'))\n",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there: /health/ says 503, not 301
    )
    answers = dict(line.split(" ", 1) for line in output.splitlines() if line.startswith("/"))
    assert answers["/health/"].startswith("503 ")
    assert answers["/health/live/"] == "200 -"
    assert answers["/"] == "301 https://vzhg.example.nl/"

    healthcheck = load_compose()["services"]["web"]["healthcheck"]
    assert "http://127.0.0.1:8000/health/" in " ".join(healthcheck["test"])
    assert "DJANGO_ALLOWED_HOSTS" in " ".join(healthcheck["test"])
    assert healthcheck["test"][:3] == ["CMD", "python", "-c"]
    compile(healthcheck["test"][3], "the web healthcheck", "exec")


def test_production_checks_kept_database_connections_before_use():
    output = production_shell(
        "from django.conf import settings\n"
        "database = settings.DATABASES['default']\n"
        "print(database['CONN_MAX_AGE'], database['CONN_HEALTH_CHECKS'])"
    )
    max_age, health_checks = output.split()
    assert int(max_age) > 0 and health_checks == "True"


@pytest.mark.parametrize("flag, preload", [(None, False), ("false", False), ("true", True)])
def test_hsts_preload_is_opt_in(flag, preload):
    output = production_shell(
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "response = Client().get('/health/live/', HTTP_HOST='vzhg.example.nl', secure=True)\n"
        "print(settings.SECURE_HSTS_PRELOAD, response['Strict-Transport-Security'])",
        DJANGO_SECURE_HSTS_PRELOAD=flag,
    )
    assert output.split(" ", 1)[0] == str(preload)
    assert ("preload" in output.split(" ", 1)[1]) is preload
    assert "includeSubDomains" in output
    result = manage("check", "--deploy", env=production_env(DJANGO_SECURE_HSTS_PRELOAD=flag))
    assert result.returncode == 0 and "WARNINGS" not in result.stdout + result.stderr


# --- README "Configuration" -----------------------------------------------------------------


def test_readme_configuration_lists_every_environment_variable_the_settings_read():
    read_by_settings = set()
    for settings_file in (ROOT / "vzhg" / "settings").glob("*.py"):
        read_by_settings |= set(
            re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", settings_file.read_text())
        )
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"} <= read_by_settings

    section = readme_section("Configuration")
    in_table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.M))
    assert read_by_settings - in_table == set(), "variables missing from the README"
    assert in_table - read_by_settings - {"DJANGO_SETTINGS_MODULE"} == set(), "README lists unknown variables"


# --- the image: runtime requirements only, no demo app ---------------------------------------


def test_image_installs_the_runtime_requirements_only():
    copies = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "COPY"]
    installs = [arguments for keyword, arguments in dockerfile_instructions() if "pip install" in arguments]
    assert copies[0] == "requirements.txt ./"
    assert installs == ["pip install -r requirements.txt"]
    patterns = dockerignore_patterns()
    for kept_out in ("demo", "demo/apps.py", "requirements-test.txt"):
        assert is_dockerignored(kept_out, patterns), f"{kept_out} would be copied into the image"
    setup = (ROOT / "scripts" / "setup-python").read_text()
    assert "-r requirements-test.txt" in setup


def test_production_settings_do_not_install_the_demo_app():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(sorted(settings.INSTALLED_APPS))",
        env=production_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "'demo'" not in result.stdout and "demo." not in result.stdout
    assert "'members'" in result.stdout


# --- the test command's static checks ---------------------------------------------------------


def test_the_test_command_runs_the_static_checks_before_pytest():
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")
    test_script = (ROOT / "scripts" / "test").read_text()
    assert test_script.index("bash scripts/lint") < test_script.index(".venv/bin/pytest")
    assert 'exit "$status"' in test_script and "status=$lint_status" in test_script
    lint = (ROOT / "scripts" / "lint").read_text()
    for check in ("ruff check .", "ruff format --check .", "bin/lint-imports", "bin/mypy"):
        assert check in lint, check
    assert "bash scripts/lint" in (ROOT / "Makefile").read_text()
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert "mypy_django_plugin.main" in mypy["plugins"]
    section = readme_section("How the code is laid out")
    for check in ("ruff check .", "ruff format --check .", "lint-imports", "mypy"):
        assert check in section, check
