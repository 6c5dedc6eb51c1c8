"""The deploy files, checked without Docker or Kubernetes: they parse, the Kubernetes objects carry their
required fields, every variable they set is one the code reads, and every command names a real entry point.

A service whose package does not exist yet is skipped with a message; once it exists, a manifest naming a
module or command it does not have fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import re
import shlex
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
OUR_IMAGE = "groeipad"

# Where the code reads its configuration; the regex takes a quoted upper-case name passed to any of these.
CODE_ROOTS = [ROOT / "services", ROOT / "recommender", ROOT / "shared"]
READERS = (r"environ\.get|environ\.setdefault|environ\.pop|getenv|env_str|env_int|env_bool|env_float"
           r"|read_secret|read_optional_secret|store_settings")
READ_CALL = re.compile(rf"""(?:{READERS})\(\s*["']([A-Z][A-Z0-9_]*)["']""")
SUBSCRIPT = re.compile(r"""environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")
SECRET_CALL = re.compile(r"""(?:read_secret)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# Secrets a feature reads only when configured (e.g. single sign-on): known variables, never required.
OPTIONAL_SECRET_CALL = re.compile(r"""(?:read_optional_secret)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
STORE_CALL = re.compile(r"""(?:store_settings)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
DEFAULT_CALL = re.compile(
    r"""(?:environ\.get|env_int|env_str)\(\s*["']([A-Z][A-Z0-9_]*)["']\s*,\s*["']?(\d+)["']?\s*[,)]""")
# Variables of the interpreter and pip in the Dockerfile, not of Groeipad.
PLATFORM_VARIABLES = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR",
                      "PIP_DISABLE_PIP_VERSION_CHECK"}
POSTGRES_RESERVED = 3  # superuser_reserved_connections

# What each process needs in production beyond defaults (secrets may come as NAME_FILE).
REQUIRED = {
    "plan": {"GROEIPAD_JWT_SECRET", "GROEIPAD_MASTER_KEY", "PLAN_DATABASE_URL"},
    "recommender": {"GROEIPAD_JWT_SECRET", "RECOMMENDER_DATABASE_URL", "PLAN_SERVICE_URL"},
    "follower": {"GROEIPAD_JWT_SECRET", "RECOMMENDER_DATABASE_URL", "PLAN_SERVICE_URL"},
    "projector": {"GROEIPAD_JWT_SECRET", "GROEIPAD_MASTER_KEY", "PLAN_DATABASE_URL"},
    "portal": {"GROEIPAD_JWT_SECRET", "GROEIPAD_MASTER_KEY", "PORTAL_SECRET_KEY", "PORTAL_DATABASE_URL",
               "PLAN_SERVICE_URL", "RECOMMENDER_URL"},
    "notifier": {"GROEIPAD_JWT_SECRET", "NOTIFIER_DATABASE_URL"},
    "notifier-worker": {"GROEIPAD_JWT_SECRET", "NOTIFIER_DATABASE_URL", "PLAN_SERVICE_URL", "NOTIFIER_SMTP_URL"},
    "xapi-sync": {"GROEIPAD_JWT_SECRET", "XAPI_DATABASE_URL", "PLAN_SERVICE_URL", "RECOMMENDER_URL",
                  "XAPI_PSEUDONYM_KEY"},
    "migrate": {"GROEIPAD_MASTER_KEY", "PLAN_DATABASE_URL", "RECOMMENDER_DATABASE_URL", "PORTAL_DATABASE_URL",
                "NOTIFIER_DATABASE_URL", "XAPI_DATABASE_URL"},
}
# Whose sources decide what a process requires: a store or secret read there must be in REQUIRED.
COMPONENT_SOURCES = {
    "plan": [ROOT / "services" / "plan"],
    "recommender": [ROOT / "recommender"],
    "follower": [ROOT / "recommender"],
    "projector": [ROOT / "services" / "plan"],
    "portal": [ROOT / "services" / "portal"],
    "notifier": [ROOT / "services" / "notifier"],
    "notifier-worker": [ROOT / "services" / "notifier"],
    "xapi-sync": [ROOT / "services" / "xapi"],
}
HTTP_COMPONENTS = {"plan", "recommender", "portal", "notifier"}


# ---------------------------------------------------------------- what the code reads


def _python_sources(roots=CODE_ROOTS):
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*.py"))
        yield from (p for p in paths if "__pycache__" not in p.parts)


@cache
def code_variables() -> frozenset[str]:
    """Every variable the code reads (services/, recommender/, shared/, deploy/gunicorn.conf.py)."""
    names = set()
    for path in [*_python_sources(), GUNICORN_CONF]:
        text = path.read_text(encoding="utf-8")
        names.update(READ_CALL.findall(text))
        names.update(SUBSCRIPT.findall(text))
    names.update(f"{name}_FILE" for name in secret_variables())  # read_secret also reads NAME_FILE
    for path in _python_sources():
        names.update(f"{name}_FILE" for name in OPTIONAL_SECRET_CALL.findall(path.read_text(encoding="utf-8")))
    return frozenset(names)


@cache
def secret_variables(roots: tuple[Path, ...] = tuple(CODE_ROOTS)) -> frozenset[str]:
    return frozenset(n for p in _python_sources(roots) for n in SECRET_CALL.findall(p.read_text(encoding="utf-8")))


@cache
def store_variables(roots: tuple[Path, ...] = tuple(CODE_ROOTS)) -> frozenset[str]:
    return frozenset(n for p in _python_sources(roots) for n in STORE_CALL.findall(p.read_text(encoding="utf-8")))


@cache
def code_defaults() -> dict[str, int]:
    defaults = {}
    for path in [*_python_sources(), GUNICORN_CONF]:
        for name, value in DEFAULT_CALL.findall(path.read_text(encoding="utf-8")):
            defaults.setdefault(name, int(value))
    return defaults


# ---------------------------------------------------------------- which services exist


def package_state(package_dir: Path) -> str | None:
    """None when the package exists (has __init__.py or app.py); otherwise why it is skipped."""
    if (package_dir / "__init__.py").exists() or (package_dir / "app.py").exists():
        return None
    return f"{package_dir.relative_to(ROOT)} is not built yet (no __init__.py or app.py)"


def component_missing(component: str) -> str | None:
    """Why COMPONENT cannot be checked yet, or None when its code exists and must match the manifests."""
    if component in {"plan", "projector"}:
        return package_state(ROOT / "services" / "plan")
    if component == "recommender":
        return package_state(ROOT / "recommender")
    if component == "portal":
        return package_state(ROOT / "services" / "portal")
    if component in {"notifier", "notifier-worker"}:
        return package_state(ROOT / "services" / "notifier")
    if component == "follower":
        if not (ROOT / "recommender" / "cli.py").exists() and not (ROOT / "recommender" / "cli").is_dir():
            return "recommender.cli (which registers `groeipad follow`) does not exist yet"
        return None
    return None


@cache
def groeipad_commands() -> frozenset[str]:
    from services.cli import main

    return frozenset(main.commands)


def check_wsgi_target(target: str) -> None:
    """TARGET ('pkg.module:app') names a file that builds `app = create_app()`; skip if the package is not built."""
    module, _, attribute = target.partition(":")
    assert attribute == "app", f"{target}: gunicorn must serve the module's `app`"
    package_dir = ROOT.joinpath(*module.split(".")[:-1])
    missing = package_state(package_dir)
    if missing:
        pytest.skip(f"{target}: {missing}")
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"{target}: module {module} does not exist"
    source = Path(spec.origin)
    assert source.is_file(), f"{target}: {source} is not a file"
    assert re.search(r"^app = create_app\(\)\s*$", source.read_text(encoding="utf-8"), re.M), (
        f"{target}: {source.relative_to(ROOT)} must hold `app = create_app()` (built per worker, after the fork)")


def check_groeipad_command(command: str, component: str) -> None:
    missing = component_missing(component)
    if missing:
        pytest.skip(f"groeipad {command}: {missing}")
    assert command in groeipad_commands(), (
        f"`groeipad {command}` does not exist; services.cli.main has: {', '.join(sorted(groeipad_commands()))}")


# ---------------------------------------------------------------- the deploy files, parsed


@cache
def entrypoint_arms() -> dict[str, dict]:
    """The entrypoint's case arms: name -> {'wsgi': 'module:app', 'port': int} or {'groeipad': 'subcommand'}."""
    text = ENTRYPOINT.read_text(encoding="utf-8")
    body = text[text.index('case "$command" in'):text.rindex("esac")]
    arms = {}
    for labels, code in re.findall(r"^\s*([a-z|-]+)\)(.*?);;", body, re.M | re.S):
        for label in labels.split("|"):
            serve = re.search(r"\bserve\s+(\S+)\s+(\d+)", code)
            command = re.search(r"exec groeipad ([a-z][a-z-]*)", code)
            if serve:
                arms[label] = {"wsgi": serve.group(1), "port": int(serve.group(2))}
            elif command:
                arms[label] = {"groeipad": command.group(1)}
            else:
                arms[label] = {}
    return arms


def yaml_files() -> list[Path]:
    return sorted([COMPOSE, *K8S.glob("*.yaml"), *K8S.glob("*.yml")])


@cache
def load_documents(path: Path) -> list:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


@cache
def k8s_objects() -> list[dict]:
    objects = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in load_documents(path):
            if doc.get("kind") != "Kustomization":
                objects.append({**doc, "_file": path.name})
    return objects


def objects_of(kind: str) -> list[dict]:
    return [o for o in k8s_objects() if o["kind"] == kind]


def by_name(kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects_of(kind)}


def workloads() -> list[tuple[str, dict, dict]]:
    """(object name, object, pod spec) for every Deployment and Job."""
    return [(o["metadata"]["name"], o, o["spec"]["template"]["spec"])
            for o in objects_of("Deployment") + objects_of("Job")]


def component_of_args(args: list[str]) -> str:
    return args[0] if args else ""


@cache
def compose() -> dict:
    return load_documents(COMPOSE)[0]


def compose_ours() -> dict[str, dict]:
    """The compose services that run the Groeipad image (not PostgreSQL)."""
    return {name: svc for name, svc in compose()["services"].items()
            if "build" in svc or OUR_IMAGE in str(svc.get("image", "")).split("/")[-1]}


def compose_environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: str(v) for k, v in env.items()}


def compose_command(service: dict) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def resolve_default(value: str) -> str:
    """'${NAME:-4}' -> '4' (compose interpolation with a default); anything else unchanged."""
    match = re.fullmatch(r"\$\{[A-Z0-9_]+:?-([^}]*)\}", value)
    return match.group(1) if match else value


@cache
def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages, each a list of (INSTRUCTION, arguments) with continuations joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), rest.strip()))
    return stages


def dockerfile_env() -> dict[str, str]:
    env = {}
    for stage in dockerfile_stages()[-1:]:
        for instruction, rest in stage:
            if instruction == "ENV":
                for token in shlex.split(rest):
                    name, _, value = token.partition("=")
                    env[name] = value
    return env


# ---------------------------------------------------------------- the files parse


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_parses(path):
    assert load_documents(path), f"{path} holds no document"


def test_entrypoint_is_valid_posix_sh():
    result = subprocess.run(["sh", "-n", str(ENTRYPOINT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")
    assert ENTRYPOINT.stat().st_mode & 0o111, "deploy/entrypoint.sh must be executable"


def test_entrypoint_refuses_an_unknown_service():
    result = subprocess.run(["sh", str(ENTRYPOINT), "no-such-service"], capture_output=True, text=True)
    assert result.returncode == 64
    assert "unknown service: no-such-service" in result.stderr


# ---------------------------------------------------------------- entry points are real


@pytest.mark.parametrize("arm", sorted(a for a, v in entrypoint_arms().items() if "wsgi" in v))
def test_entrypoint_serves_real_wsgi_modules(arm):
    check_wsgi_target(entrypoint_arms()[arm]["wsgi"])


@pytest.mark.parametrize("arm", sorted(a for a, v in entrypoint_arms().items() if "groeipad" in v))
def test_entrypoint_runs_real_groeipad_commands(arm):
    check_groeipad_command(entrypoint_arms()[arm]["groeipad"], arm)


def test_entrypoint_has_every_service():
    assert set(REQUIRED) <= set(entrypoint_arms()), f"the entrypoint must start each of {sorted(REQUIRED)}"
    ports = {arm: v["port"] for arm, v in entrypoint_arms().items() if "port" in v}
    assert ports == {"plan": 8001, "recommender": 8002, "portal": 8000, "notifier": 8004}


def test_gunicorn_config_builds_the_app_per_worker():
    text = GUNICORN_CONF.read_text(encoding="utf-8")
    assert re.search(r"^preload_app = False$", text, re.M)
    for path in [DOCKERFILE, ENTRYPOINT, COMPOSE, DEPLOY / "Procfile", *K8S.glob("*.yaml")]:
        if path.exists():
            code = [line for line in path.read_text(encoding="utf-8").splitlines()
                    if not line.lstrip().startswith("#")]
            assert not any("--preload" in line for line in code), f"{path.name}: no --preload (fork safety)"


def test_procfile_names_real_entry_points():
    procfile = DEPLOY / "Procfile"
    for line in procfile.read_text(encoding="utf-8").splitlines():
        name, _, command = line.partition(":")
        for target in re.findall(r"\b([a-z_.]+\.wsgi:app)\b", command):
            module = target.split(":")[0]
            if package_state(ROOT.joinpath(*module.split(".")[:-1])) is None:
                check_wsgi_target(target)
        for sub in re.findall(r"\bgroeipad ([a-z][a-z-]*)", command):
            if component_missing(name.strip()) is None:
                assert sub in groeipad_commands(), f"Procfile {name}: `groeipad {sub}` does not exist"


# ---------------------------------------------------------------- Dockerfile and .dockerignore


def test_dockerfile_is_multi_stage_slim_and_non_root():
    stages = dockerfile_stages()
    assert len(stages) >= 2, "build wheels in one stage, run in another"
    assert all(stage[0][1].split()[0] == "python:3.11-slim" for stage in stages)
    runtime = stages[-1]
    users = [rest for instruction, rest in runtime if instruction == "USER"]
    assert users, "the runtime stage must switch to a non-root USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"USER {users[-1]} is root"
    instructions = {instruction for instruction, _ in runtime}
    assert "HEALTHCHECK" in instructions
    entrypoint = next(rest for instruction, rest in runtime if instruction == "ENTRYPOINT")
    assert "deploy/entrypoint.sh" in entrypoint
    copied = " ".join(rest for instruction, rest in runtime if instruction == "COPY")
    assert "entrypoint.sh" in copied and "gunicorn.conf.py" in copied


def test_dockerfile_sets_only_variables_the_code_reads():
    unknown = set(dockerfile_env()) - PLATFORM_VARIABLES - code_variables()
    assert not unknown, f"Dockerfile ENV sets variables no code reads: {sorted(unknown)}"


def test_dockerignore_keeps_the_context_small():
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", "var", "tests/screenshots", ".git"} <= ignored
    for stage in dockerfile_stages():
        for instruction, rest in stage:
            if instruction == "COPY" and "--from" not in rest:
                for source in shlex.split(rest)[:-1]:
                    assert source not in ignored, f"COPY {source} is excluded by .dockerignore"
                    assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"


# ---------------------------------------------------------------- docker compose


def test_compose_runs_every_service_from_one_image():
    ours = compose_ours()
    commands = {name: compose_command(svc) for name, svc in ours.items()}
    started = {cmd[0] for cmd in commands.values() if cmd}
    assert set(REQUIRED) <= started, f"compose must run {sorted(REQUIRED)}; runs {sorted(started)}"
    for name, svc in ours.items():
        assert svc.get("image") or svc.get("build"), name
        assert commands[name] and commands[name][0] in entrypoint_arms(), (
            f"compose {name}: command {commands[name]} is not one of the entrypoint's {sorted(entrypoint_arms())}")


@pytest.mark.parametrize("service", sorted(compose_ours()))
def test_compose_commands_are_real_entry_points(service):
    command = compose_command(compose_ours()[service])
    arm = entrypoint_arms()[command[0]]
    if "wsgi" in arm:
        check_wsgi_target(arm["wsgi"])
    elif "groeipad" in arm:
        check_groeipad_command(arm["groeipad"] if command[0] != "groeipad" else command[1], command[0])


def test_compose_postgres_healthy_with_a_volume_and_migration_first():
    services = compose()["services"]
    postgres = services["postgres"]
    assert str(postgres["image"]).startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(str(v).endswith("/var/lib/postgresql/data") for v in postgres["volumes"])
    for name, svc in compose_ours().items():
        command = compose_command(svc)[0]
        depends = svc.get("depends_on") or {}
        assert depends.get("postgres", {}).get("condition") == "service_healthy", name
        if command == "migrate":
            assert svc.get("restart", "no") == "no"
            continue
        assert depends.get("migrate", {}).get("condition") == "service_completed_successfully", (
            f"compose {name} must wait for the migration step to complete")
        assert "healthcheck" in svc and not svc["healthcheck"].get("disable"), f"compose {name} needs a health check"


@pytest.mark.parametrize("singleton", ["follower", "projector"])
def test_compose_runs_exactly_one_follower_and_one_projector(singleton):
    """A follower or a projector per store, never scaled (deploy/README.md says why)."""
    found = [name for name, svc in compose_ours().items() if compose_command(svc)[0] == singleton]
    assert len(found) == 1, f"compose must run exactly one {singleton}, runs {found}"
    svc = compose_ours()[found[0]]
    assert (svc.get("deploy") or {}).get("replicas", 1) == 1, found[0]
    assert "scale" not in svc


@pytest.mark.parametrize("service", sorted(compose_ours()))
def test_compose_sets_only_variables_the_code_reads(service):
    svc = compose_ours()[service]
    unknown = set(compose_environment(svc)) - code_variables()
    missing = component_missing(compose_command(svc)[0])
    if unknown and missing:
        pytest.skip(f"compose {service}: {missing}; not yet read: {sorted(unknown)}")
    assert not unknown, f"compose {service} sets variables no code reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", sorted(compose_ours()))
def test_compose_sets_what_production_requires(service):
    svc = compose_ours()[service]
    component = compose_command(svc)[0]
    env = compose_environment(svc)
    assert env.get("GROEIPAD_ENV") == "production", f"compose {service}: GROEIPAD_ENV=production"
    for name in REQUIRED.get(component, ()):
        assert name in env or f"{name}_FILE" in env, f"compose {service} ({component}) must set {name}"
    for name, value in env.items():
        if name in secret_variables():
            assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]*\}", value), (
                f"compose {service}: {name} must come from the environment as ${{VAR:?message}}, not a literal")
        if name in store_variables() and value.startswith("postgresql"):
            assert re.search(r":\$\{[A-Z0-9_]+:\?[^}]*\}@", value), f"compose {service}: {name} password from env"
    creates = env.get("GROEIPAD_CREATE_TABLES", "1")
    if component == "migrate":
        assert creates in {"1", "true", "yes", "y", "on"}
    else:
        assert creates in {"0", "false", "no", "n", "off"}, f"compose {service}: workers run with table creation off"


def _budget(workers: int, pool: int, overflow: int, gunicorn: bool) -> int:
    return (workers if gunicorn else 1) * (pool + overflow)


def test_compose_connection_budget_fits_postgres():
    command = " ".join(str(c) for c in compose()["services"]["postgres"].get("command", []))
    match = re.search(r"max_connections=(\d+)", command)
    max_connections = int(match.group(1)) if match else 100
    defaults = code_defaults()
    total = 0
    for svc in compose_ours().values():
        env = {k: resolve_default(v) for k, v in compose_environment(svc).items()}
        component = compose_command(svc)[0]

        def number(name, env=env):
            return int(env.get(name, defaults[name]))

        total += _budget(number("GUNICORN_WORKERS"), number("POSTGRES_POOL_SIZE"), number("POSTGRES_MAX_OVERFLOW"),
                         component in HTTP_COMPONENTS)
    assert total < max_connections - POSTGRES_RESERVED, f"compose needs {total} connections, max is {max_connections}"


# ---------------------------------------------------------------- Kubernetes objects


def test_every_kubernetes_object_has_its_required_fields():
    assert k8s_objects(), "no manifests in deploy/k8s"
    for obj in k8s_objects():
        where = f"{obj['_file']}: {obj.get('kind')} {obj.get('metadata', {}).get('name')}"
        assert obj.get("apiVersion") and obj.get("kind"), where
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", obj["metadata"]["name"]), where
        assert "namespace" not in obj["metadata"], f"{where}: manifests are namespace-agnostic"
        expected = {"Deployment": "apps/v1", "Service": "v1", "ConfigMap": "v1", "Secret": "v1",
                    "Job": "batch/v1", "HorizontalPodAutoscaler": "autoscaling/v2"}
        assert obj["kind"] in expected, f"{where}: unexpected kind"
        assert obj["apiVersion"] == expected[obj["kind"]], f"{where}: apiVersion {obj['apiVersion']}"


def test_names_are_unique_per_kind():
    seen = [(o["kind"], o["metadata"]["name"]) for o in k8s_objects()]
    duplicates = {item for item in seen if seen.count(item) > 1}
    assert not duplicates, f"duplicate objects: {sorted(duplicates)}"


def test_kinds_present():
    kinds = {o["kind"] for o in k8s_objects()}
    assert {"ConfigMap", "Secret", "Job", "Deployment", "Service", "HorizontalPodAutoscaler"} <= kinds


def test_kustomization_lists_every_manifest_but_the_secret():
    kustomization = load_documents(K8S / "kustomization.yaml")[0]
    listed = set(kustomization["resources"])
    for path in K8S.glob("*.yaml"):
        if path.name == "kustomization.yaml":
            continue
        if any(o["kind"] == "Secret" for o in load_documents(path)):
            assert path.name not in listed, "applying placeholder secrets would overwrite the real ones"
        else:
            assert path.name in listed, f"{path.name} is missing from kustomization.yaml"


@pytest.mark.parametrize("name", sorted(by_name("Deployment")))
def test_deployment_selector_matches_template_and_containers_have_images(name):
    deployment = by_name("Deployment")[name]
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector and selector.items() <= labels.items(), f"{name}: selector {selector} vs labels {labels}"
    _check_pod(name, deployment["spec"]["template"]["spec"])


def _check_pod(name: str, pod: dict) -> None:
    assert pod.get("securityContext", {}).get("runAsNonRoot") is True, f"{name}: runAsNonRoot"
    assert pod["securityContext"].get("runAsUser", 1) != 0
    assert pod["containers"], name
    for container in pod["containers"]:
        assert container.get("name") and container.get("image"), f"{name}: container needs a name and an image"
        assert OUR_IMAGE in container["image"].split("/")[-1].split(":")[0], f"{name}: one image for all services"
        assert container.get("resources", {}).get("requests"), f"{name}: resources.requests"
        assert container.get("resources", {}).get("limits", {}).get("memory"), f"{name}: a memory limit"
        assert container.get("securityContext", {}).get("allowPrivilegeEscalation") is False, name
        args = container.get("args") or []
        assert args and args[0] in entrypoint_arms(), f"{name}: args {args} must start with an entrypoint service"


def _container_port(container: dict, port) -> int:
    if isinstance(port, int):
        return port
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}
    assert port in ports, f"probe port {port!r} is not a named container port"
    return ports[port]


@pytest.mark.parametrize("name", sorted(by_name("Deployment")))
def test_http_deployments_probe_ready_and_health_on_the_container_port(name):
    container = by_name("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]
    arm = entrypoint_arms()[container["args"][0]]
    if "port" not in arm:
        assert not container.get("ports"), f"{name}: {container['args'][0]} serves no HTTP"
        return
    declared = [p["containerPort"] for p in container.get("ports", [])]
    assert declared == [arm["port"]], f"{name}: the entrypoint binds {arm['port']}, the container declares {declared}"
    for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
        get = container.get(probe, {}).get("httpGet")
        assert get, f"{name}: {probe} must be an HTTP GET"
        assert get["path"] == path, f"{name}: {probe} must GET {path}"
        assert _container_port(container, get["port"]) == arm["port"], f"{name}: {probe} on the wrong port"


@pytest.mark.parametrize("name", sorted(by_name("Deployment")))
def test_deployment_commands_are_real_entry_points(name):
    args = by_name("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]["args"]
    arm = entrypoint_arms()[args[0]]
    if "wsgi" in arm:
        check_wsgi_target(arm["wsgi"])
    else:
        check_groeipad_command(arm["groeipad"], args[0])


@pytest.mark.parametrize("name", sorted(by_name("Service")))
def test_service_selects_a_deployment_port(name):
    service = by_name("Service")[name]
    selector = service["spec"]["selector"]
    matches = [d for d in objects_of("Deployment")
               if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
    assert len(matches) == 1, f"Service {name} must select exactly one Deployment, selects {len(matches)}"
    container = matches[0]["spec"]["template"]["spec"]["containers"][0]
    for port in service["spec"]["ports"]:
        _container_port(container, port.get("targetPort", port["port"]))


SINGLETONS = ("follower", "projector")  # one process per store: never scaled, never two during a rollout


def _singleton_deployments(kinds=SINGLETONS) -> list[dict]:
    return [d for d in objects_of("Deployment")
            if d["spec"]["template"]["spec"]["containers"][0]["args"][0] in kinds]


@pytest.mark.parametrize("singleton", SINGLETONS)
def test_exactly_one_follower_and_one_projector(singleton):
    deployments = _singleton_deployments((singleton,))
    assert len(deployments) == 1, f"one {singleton} Deployment"
    spec = deployments[0]["spec"]
    assert spec.get("replicas") == 1, f"the {singleton} runs exactly one replica"
    assert spec.get("strategy", {}).get("type") == "Recreate", f"never two {singleton}s during a rollout"


@pytest.mark.parametrize("name", sorted(by_name("HorizontalPodAutoscaler")))
def test_hpa_targets_a_stateless_deployment(name):
    spec = by_name("HorizontalPodAutoscaler")[name]["spec"]
    target = spec["scaleTargetRef"]
    assert target["kind"] == "Deployment" and target["apiVersion"] == "apps/v1"
    assert target["name"] in by_name("Deployment"), f"HPA {name} targets unknown Deployment {target['name']}"
    assert target["name"] not in {d["metadata"]["name"] for d in _singleton_deployments()}, (
        "never scale the follower or the projector")
    container = by_name("Deployment")[target["name"]]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][0] in HTTP_COMPONENTS
    assert 1 <= spec["minReplicas"] <= spec["maxReplicas"]
    assert spec.get("metrics"), f"HPA {name} needs a metric"


def test_every_stateless_deployment_has_an_hpa_and_a_service():
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in objects_of("HorizontalPodAutoscaler")}
    for deployment in objects_of("Deployment"):
        if deployment["spec"]["template"]["spec"]["containers"][0]["args"][0] in HTTP_COMPONENTS:
            assert deployment["metadata"]["name"] in scaled
            assert "replicas" not in deployment["spec"], "an HPA-managed Deployment leaves replicas to the HPA"


def test_the_job_runs_migrate():
    jobs = objects_of("Job")
    assert len(jobs) == 1
    pod = jobs[0]["spec"]["template"]["spec"]
    _check_pod(jobs[0]["metadata"]["name"], pod)
    assert pod["restartPolicy"] in {"OnFailure", "Never"}
    container = pod["containers"][0]
    assert container["args"][0] == "migrate"
    check_groeipad_command(entrypoint_arms()["migrate"]["groeipad"], "migrate")


def _container_env(pod: dict) -> tuple[dict[str, str], set[str]]:
    """A container's variables (ConfigMap/Secret envFrom resolved), and the names that come from Secrets."""
    container = pod["containers"][0]
    env, secret = {}, set()
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(by_name("ConfigMap")[source["configMapRef"]["name"]].get("data", {}))
        if "secretRef" in source:
            obj = by_name("Secret")[source["secretRef"]["name"]]
            keys = {**obj.get("data", {}), **obj.get("stringData", {})}
            env.update(keys)
            secret.update(keys)
    for item in container.get("env", []):
        if "valueFrom" in item:
            ref = item["valueFrom"].get("secretKeyRef") or item["valueFrom"].get("configMapKeyRef")
            kind = "Secret" if "secretKeyRef" in item["valueFrom"] else "ConfigMap"
            obj = by_name(kind).get(ref["name"])
            assert obj, f"{item['name']} refers to a missing {kind} {ref['name']}"
            values = {**obj.get("data", {}), **obj.get("stringData", {})}
            assert ref["key"] in values, f"{item['name']}: {kind} {ref['name']} has no key {ref['key']}"
            env[item["name"]] = str(values[ref["key"]])
            if kind == "Secret":
                secret.add(item["name"])
        else:
            env[item["name"]] = str(item.get("value", ""))
    return env, secret


def test_configmap_and_secret_keys_are_variables_the_code_reads():
    unknown = set()
    for obj in objects_of("ConfigMap") + objects_of("Secret"):
        unknown |= {key for key in {**obj.get("data", {}), **obj.get("stringData", {})} if key not in code_variables()}
    missing = [m for m in (component_missing(c) for c in REQUIRED) if m]
    if unknown and missing:
        pytest.skip(f"not yet read by the code: {sorted(unknown)} ({'; '.join(missing)})")
    assert not unknown, f"ConfigMap/Secret keys that no code reads: {sorted(unknown)}"


def test_secret_values_are_marked_placeholders():
    for secret in objects_of("Secret"):
        values = {**secret.get("stringData", {}), **secret.get("data", {})}
        assert values
        for key, value in secret.get("stringData", {}).items():
            assert "CHANGE-ME" in str(value), f"Secret {key}: a committed value must be a CHANGE-ME placeholder"
        assert secret.get("data") is None, "use stringData with placeholders, never real base64 values"


@pytest.mark.parametrize("name", sorted(n for n, _, _ in workloads()))
def test_workload_env_is_read_by_the_code_and_covers_production(name):
    pod = next(p for n, _, p in workloads() if n == name)
    component = pod["containers"][0]["args"][0]
    env, from_secrets = _container_env(pod)
    unknown = set(env) - code_variables()
    missing = component_missing(component)
    if unknown and missing:
        pytest.skip(f"{name}: {missing}; not yet read: {sorted(unknown)}")
    assert not unknown, f"{name} sets variables no code reads: {sorted(unknown)}"
    assert env.get("GROEIPAD_ENV") == "production", f"{name}: GROEIPAD_ENV=production"
    for variable in REQUIRED[component]:
        assert variable in env or f"{variable}_FILE" in env, f"{name} ({component}) must set {variable}"
    for variable in secret_variables() | store_variables():
        if variable in env:
            assert variable in from_secrets, f"{name}: {variable} must come from a Secret"
    creates = env.get("GROEIPAD_CREATE_TABLES", "1")
    assert (creates in {"1", "true", "yes", "y", "on"}) == (component == "migrate"), (
        f"{name}: only the migration creates tables (GROEIPAD_CREATE_TABLES={creates})")


def test_kubernetes_connection_budget_fits_postgres():
    config = objects_of("ConfigMap")[0]
    max_connections = int(config["metadata"]["annotations"]["groeipad.io/postgres-max-connections"])
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h["spec"]["maxReplicas"]
            for h in objects_of("HorizontalPodAutoscaler")}
    defaults = code_defaults()
    total = 0
    for name, obj, pod in workloads():
        env, _ = _container_env(pod)
        component = pod["containers"][0]["args"][0]
        if obj["kind"] == "Job":
            pods = obj["spec"].get("parallelism", 1)
        else:
            pods = hpas.get(name, obj["spec"].get("replicas", 1))
            strategy = obj["spec"].get("strategy", {"type": "RollingUpdate"})
            if strategy["type"] == "RollingUpdate":
                surge = strategy.get("rollingUpdate", {}).get("maxSurge", "25%")
                pods += math.ceil(pods * int(surge[:-1]) / 100) if isinstance(surge, str) else surge

        def number(variable, env=env):
            return int(env.get(variable, defaults[variable]))

        total += pods * _budget(number("GUNICORN_WORKERS"), number("POSTGRES_POOL_SIZE"),
                                number("POSTGRES_MAX_OVERFLOW"), component in HTTP_COMPONENTS)
    assert total < max_connections - POSTGRES_RESERVED, (
        f"at the HPA maxima plus surge the services need {total} connections; max_connections is {max_connections}")


# ---------------------------------------------------------------- the requirement table follows the code


def test_every_secret_and_store_the_code_reads_is_required_somewhere():
    required = set().union(*REQUIRED.values())
    for variable in secret_variables() | store_variables():
        assert variable in required, f"the code reads {variable}: add it to REQUIRED and set it in compose and k8s"
    assert REQUIRED["migrate"] >= store_variables(), "the migration needs every store"


@pytest.mark.parametrize("component", sorted(COMPONENT_SOURCES))
def test_required_table_covers_each_component_code(component):
    missing = component_missing(component)
    if missing:
        pytest.skip(f"{component}: {missing}")
    roots = tuple(COMPONENT_SOURCES[component])
    needed = (secret_variables(roots) | store_variables(roots) | secret_variables((ROOT / "shared",)))
    assert needed <= REQUIRED[component], f"{component} reads {sorted(needed - REQUIRED[component])}, not in REQUIRED"


@pytest.mark.parametrize("arm", sorted(a for a, v in entrypoint_arms().items() if "wsgi" in v))
def test_http_services_answer_the_probe_paths(arm):
    """The probes' /health and /ready are routes of the app the entrypoint serves (built on a fresh SQLite)."""
    target = entrypoint_arms()[arm]["wsgi"]
    module = target.split(":")[0]
    missing = package_state(ROOT.joinpath(*module.split(".")[:-1]))
    if missing:
        pytest.skip(f"{target}: {missing}")
    app_module = importlib.import_module(module.rsplit(".", 1)[0] + ".app")
    routes = {rule.rule for rule in app_module.create_app().url_map.iter_rules()}
    for path in ("/health", "/ready"):
        assert path in routes, f"{arm}: Kubernetes probes GET {path}, which {app_module.__name__} does not serve"
