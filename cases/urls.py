from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("journal.xlsx", views.case_journal_xlsx, name="case_journal_xlsx"),
    path("import/", import_views.import_journal, name="journal_import"),
    path("import/template.xlsx", import_views.import_template, name="journal_import_template"),
    path("<str:code>/", views.case_detail, name="case"),
    path("<str:code>/assign/", views.case_assign, name="case_assign"),
    path("<str:code>/screening/", views.case_screening, name="case_screening"),
    path("<str:code>/program/", views.case_program, name="case_program"),
    path("<str:code>/participants/", views.case_participant, name="case_participant"),
    path("<str:code>/conflict/", views.case_conflict, name="case_conflict"),
    path("<str:code>/consents/", views.case_consent, name="case_consent"),
    path("<str:code>/conflict/", views.case_conflict, name="case_conflict"),
    path("<str:code>/consents/<int:consent_id>/withdraw/", views.case_consent_withdraw,
         name="case_consent_withdraw"),
    path("<str:code>/meetings/new/", views.case_meeting, name="case_meeting"),
    path("<str:code>/review/", views.case_review, name="case_review"),
    path("<str:code>/network/", views.case_network, name="case_network"),
    path("<str:code>/child-voice/", views.case_child_voice, name="case_child_voice"),
    path("<str:code>/not-held/", views.case_not_held, name="case_not_held"),
    path("<str:code>/agreement/", views.case_agreement, name="case_agreement"),
    path("<str:code>/items/<int:item_id>/follow-up/", views.case_followup, name="case_followup"),
    path("<str:code>/report/", views.case_report, name="case_report"),
    path("<str:code>/report/sign/", views.case_sign, name="case_sign"),
    path("<str:code>/close/", views.case_close, name="case_close"),
    path("<str:code>/documents/<str:name>", views.case_document, name="case_document"),
    path("<str:code>/attachments/", views.case_attach, name="case_attach"),
    path("<str:code>/attachments/<str:attachment_code>", views.case_attachment, name="case_attachment"),
]
