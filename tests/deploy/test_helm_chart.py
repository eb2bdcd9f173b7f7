"""Offline checks of the Helm chart in deploy/helm/cordial.

`helm lint --strict` runs on every ci/*.yaml values file; `helm template`
renders the chart under several value sets, and every rendered document is
validated against the Kubernetes OpenAPI schemas shipped by kubernetes-validate
(strict: unknown fields fail) and checked for what the platform relies on:
gRPC probes, resource bounds, non-root read-only containers, standard labels,
the secret wiring. No cluster, no network.
"""

import base64
import os
import secrets
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "cordial"
CI_VALUES = sorted((CHART / "ci").glob("*.yaml"))

# Kubernetes version rendered for and validated against. kubernetes-validate
# must ship its schemas; helm gets it too, since a `go install` build of helm
# otherwise assumes an old v1.20 cluster.
KUBE_VERSION = "1.33.0"

SERVICES = ["gateway", "agreements", "contact-locator", "strategy", "messaging", "registry-bridge"]
GRPC_PORT = 50051
METRICS_PORT = 9464
LABELS = [f"app.kubernetes.io/{key}" for key in ("name", "instance", "version", "component", "part-of", "managed-by")]

RELEASE = "t"
FERNET_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
REQUIRED = {
    "global.kafka.bootstrapServers": "kafka-0:9092,kafka-1:9092",
    "global.mongodb.uri": "mongodb://mongo-0:27017/?replicaSet=rs0",
    "global.secrets.dataKey": FERNET_KEY,
    "global.secrets.lookupKey": "test-lookup-key",
    "global.secrets.adminToken": "test-admin-token",
}
EXISTING_SECRETS = {
    "global.kafka.bootstrapServers": "kafka:9092",
    "global.mongodb.existingSecret": "mongo-conn",
    "global.mongodb.existingSecretKey": "connectionString.standard",
    "global.secrets.existingSecret": "cordial-keys",
}


def values_key(service: str) -> str:
    head, *rest = service.split("-")
    return head + "".join(part.title() for part in rest)


def write_values(values: dict[str, Any], directory: Path) -> Path:
    """Dotted keys ("global.kafka.bootstrapServers") as a values file: unlike --set,
    a file keeps commas, booleans and lists as they are."""
    nested: dict[str, Any] = {}
    for dotted, value in values.items():
        *parents, leaf = dotted.split(".")
        node = nested
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    path = directory / f"values-{len(list(directory.iterdir()))}.yaml"
    path.write_text(yaml.safe_dump(nested))
    return path


@pytest.fixture(scope="session")
def helm() -> Path:
    cache = Path(os.environ.get("CORDIAL_CACHE", Path.home() / ".cache" / "cordial"))
    path = cache / "bin" / "helm"
    if not path.is_file():
        pytest.fail(f"helm not found at {path}: run deploy/local/install-helm.sh first")
    return path


def run_helm(helm: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(helm), *args], capture_output=True, text=True, timeout=120, check=False)


def template(helm: Path, values: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as tmp:
        return run_helm(
            helm,
            "template",
            RELEASE,
            str(CHART),
            "--kube-version",
            KUBE_VERSION,
            "-f",
            str(write_values(values, Path(tmp))),
            *args,
        )


def render(helm: Path, values: dict[str, Any], *args: str) -> list[dict[str, Any]]:
    result = template(helm, values, *args)
    assert result.returncode == 0, result.stderr
    docs = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert docs, "helm template rendered nothing"
    return docs


def render_error(helm: Path, values: dict[str, Any], *args: str) -> str:
    result = template(helm, values, *args)
    assert result.returncode != 0, "rendering should have failed"
    return result.stderr


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """Documents of one kind, by their app.kubernetes.io/component label."""
    found = [d for d in docs if d["kind"] == kind]
    by_component = {d["metadata"]["labels"]["app.kubernetes.io/component"]: d for d in found}
    assert len(by_component) == len(found), f"two {kind}s share a component"
    return by_component


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def env_of(deployment: dict[str, Any]) -> dict[str, Any]:
    env = container(deployment)["env"]
    names = [e["name"] for e in env]
    assert len(names) == len(set(names)), f"duplicate env vars: {names}"
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in env}


def check_documents(docs: list[dict[str, Any]]) -> None:
    """What must hold for every value set: valid Kubernetes, and the platform's invariants."""
    seen = set()
    for doc in docs:
        kind, name = doc["kind"], doc["metadata"]["name"]
        assert (kind, name) not in seen, f"{kind}/{name} rendered twice"
        seen.add((kind, name))
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            path = ".".join(str(p) for p in e.path)
            pytest.fail(f"{kind}/{name} is not valid Kubernetes {KUBE_VERSION}: {path}: {e.message}")
        labels = doc["metadata"].get("labels", {})
        assert set(LABELS) <= labels.keys(), f"{kind}/{name} lacks labels: {labels}"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/part-of"] == "cordial"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"

    services = of_kind(docs, "Service")
    for component, deployment in of_kind(docs, "Deployment").items():
        check_deployment(component, deployment)
        # The Service in front selects exactly these pods, by named ports that exist.
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        service = services[component]
        assert service["spec"]["selector"].items() <= pod_labels.items()
        port_names = {p["name"] for p in container(deployment)["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names


def check_deployment(component: str, deployment: dict[str, Any]) -> None:
    name = deployment["metadata"]["name"]
    pod = deployment["spec"]["template"]
    assert set(LABELS) <= pod["metadata"]["labels"].keys(), f"{name}: pod labels"
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == component

    c = container(deployment)
    for probe in ("livenessProbe", "readinessProbe"):
        assert c[probe]["grpc"]["port"] == GRPC_PORT, f"{name}: {probe} must be gRPC on {GRPC_PORT}"
        assert "service" not in c[probe]["grpc"], f"{name}: {probe} checks the server-wide status"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports["grpc"] == GRPC_PORT
    assert ports["metrics"] == METRICS_PORT
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= c["resources"][bound].keys(), f"{name}: resources.{bound}"

    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert pod["spec"]["automountServiceAccountToken"] is False

    env = env_of(deployment)
    assert env["GRPC_PORT"] == str(GRPC_PORT)
    assert env["METRICS_PORT"] == str(METRICS_PORT)
    assert env["KAFKA_BOOTSTRAP_SERVERS"]
    for secret_env in ("MONGODB_URI", "CORDIAL_DATA_KEY", "CORDIAL_LOOKUP_KEY"):
        assert "secretKeyRef" in env[secret_env], f"{name}: {secret_env} must come from a Secret"
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(METRICS_PORT)


# -- lint ---------------------------------------------------------------------


@pytest.mark.parametrize("ci_file", CI_VALUES, ids=lambda p: p.name)
def test_lint_strict(helm: Path, ci_file: Path) -> None:
    result = run_helm(helm, "lint", "--strict", str(CHART), "-f", str(ci_file), "--kube-version", KUBE_VERSION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[WARNING]" not in result.stdout
    assert "[ERROR]" not in result.stdout


def test_ci_values_files_exist() -> None:
    assert CI_VALUES, f"no lint values in {CHART / 'ci'}"


@pytest.mark.parametrize("ci_file", CI_VALUES, ids=lambda p: p.name)
def test_ci_values_render_valid(helm: Path, ci_file: Path) -> None:
    check_documents(render(helm, {}, "-f", str(ci_file)))


# -- value combinations -------------------------------------------------------


def test_defaults_with_required_values(helm: Path) -> None:
    docs = render(helm, REQUIRED)
    check_documents(docs)
    for kind in ("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"):
        assert sorted(of_kind(docs, kind)) == sorted(SERVICES), kind
    assert not of_kind(docs, "HorizontalPodAutoscaler")
    assert not of_kind(docs, "Ingress")
    for deployment in of_kind(docs, "Deployment").values():
        assert deployment["spec"]["replicas"] == 1

    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert data == {
        "MONGODB_URI": REQUIRED["global.mongodb.uri"],
        "CORDIAL_DATA_KEY": FERNET_KEY,
        "CORDIAL_LOOKUP_KEY": REQUIRED["global.secrets.lookupKey"],
        "CORDIAL_ADMIN_TOKEN": REQUIRED["global.secrets.adminToken"],
    }
    for deployment in of_kind(docs, "Deployment").values():
        ref = env_of(deployment)["MONGODB_URI"]["secretKeyRef"]
        assert ref == {"name": secret["metadata"]["name"], "key": "MONGODB_URI"}


def test_service_wiring(helm: Path) -> None:
    docs = render(
        helm,
        {
            **REQUIRED,
            "global.secrets.providerToken": "tok",
            "messaging.env.SMS_PROVIDER_URL": "https://sms.example.com",
        },
    )
    deployments, services = of_kind(docs, "Deployment"), of_kind(docs, "Service")

    def grpc_address(component: str) -> str:
        service = services[component]
        (port,) = [p["port"] for p in service["spec"]["ports"] if p["name"] == "grpc"]
        return f"{service['metadata']['name']}:{port}"

    gateway = env_of(deployments["gateway"])
    assert gateway["AGREEMENTS_ADDR"] == grpc_address("agreements")
    assert gateway["HTTP_PORT"] == "8080"
    assert gateway["CORDIAL_ADMIN_TOKEN"]["secretKeyRef"]["key"] == "CORDIAL_ADMIN_TOKEN"
    assert {"name": "http", "containerPort": 8080, "protocol": "TCP"} in container(deployments["gateway"])["ports"]

    assert env_of(deployments["strategy"])["AGREEMENTS_ADDR"] == grpc_address("agreements")

    messaging = env_of(deployments["messaging"])
    assert messaging["CONTACT_LOCATOR_ADDR"] == grpc_address("contact-locator")
    assert messaging["STRATEGY_ADDR"] == grpc_address("strategy")
    assert messaging["SMS_PROVIDER_URL"] == "https://sms.example.com"
    assert "WHATSAPP_PROVIDER_URL" not in messaging, "empty values are left to the service's default"
    assert messaging["PROVIDER_TOKEN"]["secretKeyRef"]["optional"] is True

    # Least privilege: only the gateway gets the admin token, only messaging the provider token.
    for component, deployment in deployments.items():
        env = env_of(deployment)
        assert ("CORDIAL_ADMIN_TOKEN" in env) == (component == "gateway"), component
        assert ("PROVIDER_TOKEN" in env) == (component == "messaging"), component
        assert ("HTTP_PORT" in env) == (component == "gateway"), component
        assert env["OUTBOX_SWEEP_SECONDS"] == "60", component


def test_gateway_and_agreements_settings_reach_their_containers(helm: Path) -> None:
    values = {
        **REQUIRED,
        "global.secrets.boletoProviderToken": "bank-token",
        "gateway.env.CLIENT_WEBHOOK_DISPATCH_SECONDS": "2",
        "gateway.env.CLIENT_WEBHOOK_RETRY_BASE_SECONDS": 10,
        "gateway.env.MAX_DEBT_AMOUNT_MINOR": "5000000000",
        "agreements.env.BOLETO_PROVIDER_URL": "https://api.bank.example/cobrancas/v2",
        "agreements.env.BOLETO_CONVENIO": "1234567",
    }
    docs = render(helm, values)
    check_documents(docs)
    deployments = of_kind(docs, "Deployment")
    gateway, agreements = env_of(deployments["gateway"]), env_of(deployments["agreements"])
    assert gateway["CLIENT_WEBHOOK_DISPATCH_SECONDS"] == "2"
    assert gateway["CLIENT_WEBHOOK_RETRY_BASE_SECONDS"] == "10"
    assert gateway["MAX_DEBT_AMOUNT_MINOR"] == "5000000000"
    assert "MAX_BODY_BYTES" not in gateway, "empty values are left to the service's default"
    assert agreements["BOLETO_PROVIDER_URL"] == "https://api.bank.example/cobrancas/v2"
    assert agreements["BOLETO_CONVENIO"] == "1234567"
    assert agreements["BOLETO_PROVIDER_TOKEN"]["secretKeyRef"] == {
        "name": "t-cordial-secrets",
        "key": "BOLETO_PROVIDER_TOKEN",
        "optional": True,
    }
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    assert base64.b64decode(secret["data"]["BOLETO_PROVIDER_TOKEN"]).decode() == "bank-token"


def test_contact_locator_and_messaging_provider_settings(helm: Path) -> None:
    values = {
        **REQUIRED,
        "global.secrets.lookupAuthToken": "lookup-token",
        "global.secrets.whatsappCheckToken": "check-token",
        "contactLocator.env.VERIFICATION_MONTHLY_BUDGET": "250000",
        "contactLocator.env.WHATSAPP_CHECK_URL": "https://wa-check.example.com",
        "contactLocator.env.WHATSAPP_CHECK_TENANTS": "client-a,client-b",
        "messaging.env.SMTP_HOST": "smtp.example.com",
        "messaging.env.VOICE_PROVIDER_URL": "https://voice.example.com",
        "messaging.env.PRINT_PROVIDER_URL": "https://print.example.com",
    }
    docs = render(helm, values)
    check_documents(docs)
    deployments, services = of_kind(docs, "Deployment"), of_kind(docs, "Service")
    locator = env_of(deployments["contact-locator"])
    assert locator["LOOKUP_URL"] == "https://lookups.twilio.com"
    assert locator["LOOKUP_RATE_PER_SECOND"] == "50"
    assert locator["VERIFICATION_TTL_DAYS"] == "30"
    assert locator["VERIFICATION_MONTHLY_BUDGET"] == "250000"
    assert locator["LOOKUP_AUTH_TOKEN"]["secretKeyRef"] == {
        "name": f"{RELEASE}-cordial-secrets",
        "key": "LOOKUP_AUTH_TOKEN",
        "optional": True,
    }
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    assert base64.b64decode(secret["data"]["LOOKUP_AUTH_TOKEN"]).decode() == "lookup-token"
    assert locator["WHATSAPP_CHECK_URL"] == "https://wa-check.example.com"
    assert locator["WHATSAPP_CHECK_TENANTS"] == "client-a,client-b"
    assert locator["WHATSAPP_CHECK_TOKEN"]["secretKeyRef"] == {
        "name": f"{RELEASE}-cordial-secrets",
        "key": "WHATSAPP_CHECK_TOKEN",
        "optional": True,
    }
    assert base64.b64decode(secret["data"]["WHATSAPP_CHECK_TOKEN"]).decode() == "check-token"
    for component, deployment in deployments.items():
        assert ("LOOKUP_AUTH_TOKEN" in env_of(deployment)) == (component == "contact-locator"), component
        assert ("WHATSAPP_CHECK_TOKEN" in env_of(deployment)) == (component == "contact-locator"), component
    (port,) = [p["port"] for p in services["contact-locator"]["spec"]["ports"] if p["name"] == "grpc"]
    assert env_of(deployments["gateway"])["CONTACT_LOCATOR_ADDR"] == f"{RELEASE}-cordial-contact-locator:{port}"
    messaging = env_of(deployments["messaging"])
    assert messaging["SMTP_HOST"] == "smtp.example.com"
    assert messaging["SMTP_PORT"] == "587"
    assert messaging["VOICE_PROVIDER_URL"] == "https://voice.example.com"
    assert messaging["PRINT_PROVIDER_URL"] == "https://print.example.com"
    assert "MAIL_FROM" not in messaging, "empty values are left to the service's default"


def test_a_bad_provider_url_is_refused_by_the_schema(helm: Path) -> None:
    error = render_error(helm, {**REQUIRED, "messaging.env.VOICE_PROVIDER_URL": "voice.example.com"})
    assert "VOICE_PROVIDER_URL" in error


def test_existing_secrets(helm: Path) -> None:
    docs = render(helm, EXISTING_SECRETS)
    check_documents(docs)
    assert not [d for d in docs if d["kind"] == "Secret"], "no Secret when both are existing"
    for component, deployment in of_kind(docs, "Deployment").items():
        env = env_of(deployment)
        assert env["MONGODB_URI"]["secretKeyRef"] == {"name": "mongo-conn", "key": "connectionString.standard"}
        for key in ("CORDIAL_DATA_KEY", "CORDIAL_LOOKUP_KEY"):
            assert env[key]["secretKeyRef"] == {"name": "cordial-keys", "key": key}, component
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert "checksum/secret" not in annotations


def test_existing_app_secret_with_chart_mongodb_uri(helm: Path) -> None:
    values = {**EXISTING_SECRETS, "global.mongodb.existingSecret": "", "global.mongodb.uri": "mongodb://mongo:27017"}
    docs = render(helm, values)
    check_documents(docs)
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    assert set(secret["data"]) == {"MONGODB_URI"}, "the app keys stay in the existing Secret"


def test_autoscaling(helm: Path) -> None:
    values = {**REQUIRED, **{f"{values_key(s)}.autoscaling.enabled": True for s in SERVICES}}
    docs = render(helm, values)
    check_documents(docs)
    deployments = of_kind(docs, "Deployment")
    hpas = of_kind(docs, "HorizontalPodAutoscaler")
    assert sorted(hpas) == sorted(SERVICES)
    for component, hpa in hpas.items():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment"
        assert target["name"] == deployments[component]["metadata"]["name"]
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert "replicas" not in deployments[component]["spec"], "the HPA owns the replica count"


def test_gateway_ingress(helm: Path) -> None:
    values = {
        **REQUIRED,
        "gateway.ingress.enabled": True,
        "gateway.ingress.className": "nginx",
        "gateway.ingress.hosts": [{"host": "pay.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
    }
    docs = render(helm, values)
    check_documents(docs)
    (ingress,) = of_kind(docs, "Ingress").values()
    assert ingress["spec"]["ingressClassName"] == "nginx"
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "pay.example.com"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    gateway = of_kind(docs, "Service")["gateway"]
    assert backend["name"] == gateway["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in gateway["spec"]["ports"]}


def test_ingress_without_hosts_fails(helm: Path) -> None:
    error = render_error(helm, {**REQUIRED, "gateway.ingress.enabled": True, "gateway.ingress.hosts": []})
    assert "gateway.ingress.hosts" in error


@pytest.mark.parametrize("disabled", SERVICES)
def test_disabled_service_renders_nothing(helm: Path, disabled: str) -> None:
    docs = render(
        helm,
        {
            **REQUIRED,
            f"{values_key(disabled)}.enabled": False,
            **{f"{values_key(s)}.autoscaling.enabled": True for s in SERVICES},
        },
    )
    check_documents(docs)
    components = {d["metadata"]["labels"]["app.kubernetes.io/component"] for d in docs}
    assert disabled not in components
    assert sorted(of_kind(docs, "Deployment")) == sorted(set(SERVICES) - {disabled})
    prefix = f"{RELEASE}-cordial-{disabled}"
    assert not [d for d in docs if d["metadata"]["name"].startswith(prefix)]
    # A caller of a disabled service gets no address to a Service that is not there.
    for deployment in of_kind(docs, "Deployment").values():
        for value in env_of(deployment).values():
            assert prefix not in str(value)


def test_address_of_disabled_service_can_be_given(helm: Path) -> None:
    values = {**REQUIRED, "agreements.enabled": False, "gateway.env.AGREEMENTS_ADDR": "agreements.other-ns:50051"}
    docs = render(helm, values)
    assert env_of(of_kind(docs, "Deployment")["gateway"])["AGREEMENTS_ADDR"] == ("agreements.other-ns:50051")


# -- failures that must stop an install -----------------------------------------


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_missing_required_value_fails(helm: Path, missing: str) -> None:
    values = {key: value for key, value in REQUIRED.items() if key != missing}
    error = render_error(helm, values)
    assert missing in error, error


def test_admin_token_not_needed_without_gateway(helm: Path) -> None:
    values = {key: v for key, v in REQUIRED.items() if key != "global.secrets.adminToken"}
    docs = render(helm, {**values, "gateway.enabled": False})
    (secret,) = [d for d in docs if d["kind"] == "Secret"]
    assert "CORDIAL_ADMIN_TOKEN" not in secret["data"]


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("agreements.image.pullPolicy", "Sometimes", "pullPolicy"),
        ("global.secrets.dataKey", "not-a-fernet-key", "dataKey"),
        ("strategy.replicas", 3, "replicas"),
        ("agreements.ingress.enabled", True, "ingress"),
        ("registryBridge.service.ports.http", 8080, "http"),
        ("messaging.replicaCount", "2", "replicaCount"),
        ("global.logLevel", "LOUD", "logLevel"),
        ("global.outboxSweepSeconds", 0, "outboxSweepSeconds"),
        ("gateway.env.MAX_DEBT_AMOUNT_MINOR", "a lot", "MAX_DEBT_AMOUNT_MINOR"),
        ("gateway.env.CLIENT_WEBHOOK_RETRY_BASE_SECONDS", "-1", "CLIENT_WEBHOOK_RETRY_BASE_SECONDS"),
        ("agreements.env.BOLETO_CONVENIO", "123", "BOLETO_CONVENIO"),
    ],
)
def test_schema_rejects_bad_values(helm: Path, key: str, value: Any, named: str) -> None:
    error = render_error(helm, {**REQUIRED, key: value})
    assert "schema" in error, error
    assert named in error, error


def test_each_service_has_the_same_files() -> None:
    templates = CHART / "templates"
    expected = {"deployment.yaml", "service.yaml", "serviceaccount.yaml", "hpa.yaml", "poddisruptionbudget.yaml"}
    for service in SERVICES:
        files = {p.name for p in (templates / service).iterdir()}
        extra = {"ingress.yaml"} if service == "gateway" else set()
        assert files == expected | extra, service


def test_values_blocks_have_the_same_shape() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())

    def shape(block: dict[str, Any], skip: set[str]) -> set[str]:
        keys = set()
        for key, value in block.items():
            if key in skip:
                continue
            keys.add(key)
            if isinstance(value, dict) and key not in {
                "env",
                "podAnnotations",
                "nodeSelector",
                "affinity",
                "annotations",
            }:
                keys |= {f"{key}.{sub}" for sub in shape(value, set())}
        return keys

    # The gateway alone serves HTTP, so only it has an http port and an ingress.
    gateway_only = {"ingress"}
    reference = shape(values["agreements"], set())
    for service in SERVICES:
        block = values[values_key(service)]
        keys = shape(block, gateway_only)
        keys.discard("service.ports.http")
        assert keys == reference, service
