import shutil

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from core.yamlfiles import DataFileError
from strategies.loader import strategies_load
from strategies.models import Document, Item

pytestmark = pytest.mark.django_db


def test_three_documents_with_items_linked_to_measures():
    assert Document.objects.count() == 3
    assert Item.objects.filter(measures__isnull=False).exists()
    assert set(Document.objects.values_list("kind", flat=True)) == {"strategy", "position"}


def test_federations_figures_are_kept_exactly():
    figures = [f for item in Item.objects.all() for f in item.figures]
    values = {str(f.get("value")) for f in figures}
    assert "85000" in values or "85.000" in values


def test_reload_is_idempotent(plan_data_dir):
    before = Item.objects.count()
    strategies_load(data_dir=plan_data_dir)
    assert Item.objects.count() == before


def test_unknown_measure_code_is_refused_and_nothing_changes(tmp_path, plan_data_dir):
    target = tmp_path / "plan"
    shutil.copytree(plan_data_dir, target)
    path = target / "strategies.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"GMO.1"', '"GMO.99"', 1), encoding="utf-8")
    before = list(Item.objects.values_list("pk", "text_nl"))
    with pytest.raises(
        DataFileError, match=r"strategies\.yaml:\d+: .*unknown measure code 'GMO\.99'"
    ):
        strategies_load(data_dir=target)
    assert list(Item.objects.values_list("pk", "text_nl")) == before


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_pages(client, lang):
    with translation.override(lang):
        list_url = reverse("strategies:list")
        doc = Document.objects.first()
        detail_url = reverse("strategies:detail", kwargs={"slug": doc.slug})
    response = client.get(list_url)
    assert response.status_code == 200
    assert escape(doc.tr("title", lang)) in response.content.decode()
    detail = client.get(detail_url)
    assert detail.status_code == 200
    assert escape(doc.items.first().tr("text", lang)[:30]) in detail.content.decode()
    assert client.get(list_url + "?format=csv").status_code == 200
    assert client.get(list_url + "nothing-here/").status_code == 404


def test_measure_page_links_back_to_positions(client):
    item = Item.objects.filter(measures__isnull=False).first()
    measure = item.measures.first()
    with translation.override("nl"):
        html = client.get(reverse("plan:measure", kwargs={"code": measure.code})).content.decode()
    assert f"/strategies/{item.document.slug}/" in html


def test_go4brussels_initiatives_show_actions_and_steering(client):
    doc = Document.objects.get(slug="go4brussels-2030-objective-1-4")
    item = doc.items.exclude(actions=[]).first()
    with translation.override("fr"):
        html = client.get(reverse("strategies:detail", kwargs={"slug": doc.slug})).content.decode()
    assert escape(item.actions[0]["fr"]) in html
    assert doc.steering_ministers
