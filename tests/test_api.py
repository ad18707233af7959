"""The REST API for agency systems: keys and scopes, the same access rules as the web pages, errors in Russian."""

import pytest
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from audit.models import AuditEvent
from cases.models import CaseStatus
from referrals.models import Referral

ALL_SCOPES = [s.value for s in ApiToken.Scope]

REFERRAL = {
    "situation": "cruelty_risk",
    "description": "Школа сообщила о синяках у ребёнка.",
    "representative_consent": True,
    "persons": [
        {"role": "child", "surname": "Кузнецов", "name": "Илья", "patronymic": "Сергеевич",
         "birth_date": "2015-04-02", "sex": "m"},
        {"role": "parent", "surname": "Кузнецова", "name": "Ольга", "phone": "+7 910 000-00-09"},
    ],
}


@pytest.fixture
def key_for(cast):
    def issue(agency=None, scopes=ALL_SCOPES):
        return tokens.issue(agency=agency or cast.commission, name="АИС КДН", scopes=scopes, actor=cast.admin)[1]
    return issue


def call(client, method, url, key=None, **kwargs):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if "json" in kwargs:
        kwargs = {"data": kwargs["json"], "content_type": "application/json"}
    return getattr(client, method)(url, **kwargs, **headers)


def test_an_agency_system_sends_a_referral_and_reads_its_status(client, cast, key_for):
    key = key_for()
    response = call(client, "post", reverse("api_referrals"), key, json=REFERRAL)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["status_label"] == "отправлено в службу"
    assert body["agency"] == cast.commission.pk
    assert body["outcome_report"] is None
    referral = Referral.objects.get(code=body["code"])
    assert referral.agency == cast.commission and referral.persons.count() == 2
    detail = call(client, "get", reverse("api_referral", args=[body["code"]]), key).json()
    assert detail["persons"][0]["surname"] == "Кузнецов"
    listed = call(client, "get", reverse("api_referrals"), key).json()
    assert [r["code"] for r in listed["results"]] == [body["code"]] and listed["count"] == 1


def test_the_outcome_report_appears_once_signed(client, cast, key_for, make_case):
    case = make_case(upto=CaseStatus.REPORTED)
    key = key_for()
    body = call(client, "get", reverse("api_referral", args=[case.referral.code]), key).json()
    assert body["outcome_report"]["held"] is True
    assert body["outcome_report"]["outcome_label"]
    assert "agreement_withheld" in body


def test_another_agency_sees_nothing_of_these_referrals(client, cast, key_for, make_referral):
    referral = make_referral()
    other = key_for(agency=cast.guardianship)
    response = call(client, "get", reverse("api_referral", args=[referral.code]), other)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Не найдено."}}
    assert call(client, "get", reverse("api_referrals"), other).json()["count"] == 0


def test_a_key_without_the_scope_is_refused(client, key_for):
    key = key_for(scopes=["referrals:read"])
    response = call(client, "post", reverse("api_referrals"), key, json=REFERRAL)
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "permission_denied",
                                        "message": "У ключа API нет права на эту операцию."}
    assert call(client, "get", reverse("api_territories"), key).status_code == 403


def test_invalid_input_gets_russian_messages_per_field_and_saves_nothing(client, key_for):
    key = key_for()
    bad = {**REFERRAL, "situation": "nonsense", "persons": [{"role": "child", "surname": "Кузнецов",
                                                             "birth_date": "2099-01-01"}]}
    response = call(client, "post", reverse("api_referrals"), key, json=bad)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"] == "В запросе есть ошибки; смотрите поля."
    assert "situation" in error["fields"]
    assert error["fields"]["persons"]["0"]["name"] == ["Обязательное поле."]
    assert error["fields"]["persons"]["0"]["birth_date"] == ["Дата рождения не может быть в будущем."]
    no_consent = call(client, "post", reverse("api_referrals"), key, json={**REFERRAL, "representative_consent": False})
    assert "согласия законного представителя" in no_consent.json()["error"]["fields"]["representative_consent"][0]
    broken = client.post(reverse("api_referrals"), data="{not json", content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {key}")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "malformed_request"
    assert not Referral.objects.exists()


def test_unknown_or_revoked_keys_are_refused(client, cast, key_for):
    key = key_for()
    assert call(client, "get", reverse("api_dictionaries"), "od_wrong_key").status_code == 401
    assert call(client, "get", reverse("api_dictionaries")).json()["error"]["code"] == "not_authenticated"
    tokens.revoke(ApiToken.objects.get(), actor=cast.admin)
    response = call(client, "get", reverse("api_dictionaries"), key)
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed",
                                        "message": "Ключ API неизвестен или отозван."}


def test_calls_are_rate_limited(client, key_for, settings):
    settings.OPENDOOR_API_RATE = "3/min"
    key = key_for()
    codes = [call(client, "get", reverse("api_territories"), key).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert call(client, "get", reverse("api_territories"), key).json()["error"]["code"] == "throttled"


def test_every_call_is_audited_without_data(client, key_for):
    key = key_for()
    call(client, "post", reverse("api_referrals"), key, json=REFERRAL)
    call(client, "get", reverse("api_dictionaries"), key)
    rows = AuditEvent.objects.filter(action__startswith="api.")
    assert {r.action for r in rows} >= {"api.api_referrals", "api.api_dictionaries", "api.token.issue"}
    assert all("Кузнецов" not in " ".join(r.fields) for r in rows)


def test_lists_are_paginated_and_dictionaries_are_russian(client, key_for):
    key = key_for()
    page = call(client, "get", reverse("api_agencies") + "?page_size=2", key).json()
    assert len(page["results"]) == 2 and page["next"]
    words = call(client, "get", reverse("api_dictionaries"), key).json()
    assert {"value": "cruelty_risk", "label": "риск жестокого обращения с ребёнком в семье"} in words["situations"]


def test_unknown_api_addresses_answer_in_json(client, key_for):
    response = call(client, "get", "/api/v1/nothing-here/", key_for())
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_schema_is_openapi_3_and_the_documentation_uses_no_cdn(client, key_for):
    key = key_for()
    schema = call(client, "get", reverse("api_schema") + "?format=json", key)
    assert schema.status_code == 200
    data = schema.json()
    assert data["openapi"].startswith("3.") and "/api/v1/referrals/" in data["paths"]
    client.force_login(ApiToken.objects.get().created_by)
    page = client.get(reverse("api_docs")).content.decode()
    assert "cdn" not in page.lower() and "/static/drf_spectacular_sidecar/" in page


def test_the_administrator_issues_a_key_shown_once_and_revokes_it(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("api_tokens"), {"agency": cast.commission.pk, "name": "АИС КДН",
                                                   "scopes": ["referrals:read", "referrals:write"]}, follow=True)
    assert response.redirect_chain  # post/redirect/get: a refresh does not issue a second key
    page = response.content.decode()
    token = ApiToken.objects.get()
    key = page.split('<code class="key">')[1].split("</code>")[0]
    assert key.startswith(token.prefix) and token.key_hash == ApiToken.hash(key)
    assert response["Cache-Control"] == "no-store"
    assert key not in client.get(reverse("api_tokens")).content.decode()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at and not token.account.is_active
    client.logout()
    response = call(client, "get", reverse("api_dictionaries"), key)
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"


def test_the_full_export_of_a_service_is_complete_and_keeps_secrets_out(cast, make_case, tmp_path):
    import json

    from django.core.management import call_command

    case = make_case(upto=CaseStatus.REPORTED)
    tokens.issue(agency=cast.commission, name="АИС", scopes=ALL_SCOPES, actor=cast.admin,
                 webhook_url="https://example.org/hook")
    target = tmp_path / "export.json"
    sealed_file = tmp_path / "export.json.sealed"
    call_command("export_service", "--service", cast.service.short_name, "--output", str(sealed_file))
    assert sealed_file.stat().st_mode & 0o777 == 0o600
    assert "Смирнов".encode() not in sealed_file.read_bytes()  # sealed at rest
    call_command("unseal", str(sealed_file), str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "opendoor-service-export" and data["version"] == 1
    exported = next(c for c in data["cases"] if c["code"] == case.code)
    assert exported["referral"] == case.referral.code and exported["report"]["signed_by"] == "coordinator"
    assert {p["person"] for p in exported["participants"]} <= {p["code"] for p in data["persons"]}
    assert exported["participants"][0]["consents"] and exported["meetings"] and exported["agreement"]["items"]
    text = target.read_text(encoding="utf-8")
    assert "pbkdf2" not in text and "md5$" not in text and "password" not in text and "webhook_secret" not in text
    assert AuditEvent.objects.filter(action="service.export", kind=AuditEvent.Kind.EXPORT).exists()
