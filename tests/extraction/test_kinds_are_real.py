"""Every kind a rule, a table, a démarche code or a trained model names is a real kind of its category
(declarations/categories.py is the one list: a typo in a table would silently never fire)."""

from __future__ import annotations

from declarations.categories import CATEGORY_OF_KIND, KINDS_BY_CATEGORY
from declarations.extraction.drafts import SEARCH_KINDS, SPLIT_KINDS
from declarations.extraction.learned import NONE, load_models
from declarations.extraction.rules import DEMARCHE_CODES, KIND_OVERRIDES, RULES

PSEUDO_KINDS = {"_sent"}  # "je l'ai envoyée": takes the kind of what was sent (extractor._sent_kind)


def test_every_trigger_rule_names_a_kind_of_its_category() -> None:
    for rule in RULES:
        if rule.kind in PSEUDO_KINDS:
            continue
        assert rule.kind in KINDS_BY_CATEGORY[rule.category], rule


def test_every_kind_override_names_real_kinds() -> None:
    names = {rule.name for rule in RULES if rule.name}
    for override in KIND_OVERRIDES:
        assert override.kinds <= set(CATEGORY_OF_KIND), override.name
        assert not override.rule or override.rule in names, override.name
        assert override.kinds or override.rule, f"{override.name} applies to nothing"
        if override.to is not None:
            category, kind = override.to
            assert CATEGORY_OF_KIND[kind] == category, override.name


def test_every_demarche_code_and_kind_table_names_a_real_kind() -> None:
    assert set(DEMARCHE_CODES) <= set(CATEGORY_OF_KIND)
    assert SPLIT_KINDS <= set(CATEGORY_OF_KIND)
    assert SEARCH_KINDS <= set(CATEGORY_OF_KIND)


def test_the_trained_models_predict_real_kinds() -> None:
    for name, models in load_models().items():
        classes = set(models.kind.classes)
        assert NONE in classes, name
        assert classes - {NONE} <= set(CATEGORY_OF_KIND), name
        assert set(models.direction.classes) == {"done", "planned"}, name
