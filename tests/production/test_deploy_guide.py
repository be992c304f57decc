"""docs/deploy.md names every setting the code reads: the fields of every pydantic-settings class (found by
importing the packages, so a new class or field is seen) and the PIX_LTI_ variables read with os.environ."""

from __future__ import annotations

import importlib
import pkgutil
import re

from pydantic_settings import BaseSettings

from tests.production.harness import ROOT

GUIDE = ROOT / "docs" / "deploy.md"
PACKAGES = ["core", "lti_tool", "ent_gar_connector", "privacy", "web", "admin", "pix_lti", "content_bank",
            "learning", "campaigns", "certification", "certificates", "linking", "engine"]
TEST_ONLY = {"PIX_LTI_TEST_DATABASE_URL", "PIX_LTI_TEST_REDIS_URL", "PIX_LTI_REQUIRE_SERVICES"}


def _settings_classes() -> set[type[BaseSettings]]:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, name + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = set(), list(BaseSettings.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PACKAGES:
            found.add(cls)
    return found


def _names(cls: type[BaseSettings]) -> set[str]:
    prefix = cls.model_config.get("env_prefix", "")
    return {(prefix + field).upper() for field in cls.model_fields}


def test_every_setting_class_field_is_in_the_guide() -> None:
    classes = _settings_classes()
    assert {c.__name__ for c in classes} >= {"Settings", "SecretSettings", "GarSettings", "GradesSettings"}
    guide = GUIDE.read_text(encoding="utf-8")
    missing = sorted(name for cls in classes for name in _names(cls) if f"`{name}`" not in guide)
    assert not missing, f"settings missing from docs/deploy.md: {missing}"


def test_every_variable_read_from_the_environment_is_in_the_guide() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    read = set()
    for name in PACKAGES:
        for path in (ROOT / name).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            read |= set(re.findall(r"environ(?:\.get)?[\[(]\s*[\"'](PIX_LTI_[A-Z0-9_]+)", text))
            read |= set(re.findall(r"^[A-Z_]+_ENV\s*=\s*[\"'](PIX_LTI_[A-Z0-9_]+)[\"']", text, re.MULTILINE))
    assert {"PIX_LTI_CONTENT_PATH", "PIX_LTI_FRAME_ANCESTORS", "PIX_LTI_ADMIN_PASSWORD"} <= read
    missing = sorted(name for name in read - TEST_ONLY if f"`{name}`" not in guide)
    assert not missing, f"variables missing from docs/deploy.md: {missing}"


def test_the_guide_links_and_paths_exist() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for path in re.findall(r"/opt/pix-lti/(deploy/[\w./-]+)", guide):
        assert (ROOT / path).exists(), path
    for link in re.findall(r"\]\(\.\./([\w./-]+)\)", guide):
        assert (ROOT / link).exists(), link
