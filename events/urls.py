from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_list, name="events"),
    path("manage/", views.manage_list, name="events_manage"),
    path("manage/checkin/<str:registration_code>/", views.checkin, name="event_checkin"),
    path("manage/<str:code>/", views.event_manage, name="event_manage"),
    path("manage/<str:code>/registrations/<str:registration_code>/", views.registration_decide,
         name="registration_decide"),
    path("manage/<str:code>/sessions/<int:session_id>/", views.session_attendance, name="session_attendance"),
    path("manage/<str:code>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("manage/<str:code>/certificates.zip", views.certificates_zip, name="certificates_zip"),
    path("manage/<str:code>/certificates/email/", views.certificates_email, name="certificates_email"),
    path("manage/<str:code>/certificates/<str:number>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("manage/<str:code>/certificates/<str:number>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("manage/<str:code>/export/<str:name>.xlsx", views.event_export, name="event_export"),
    path("manage/<str:code>/import/", views.participants_import, name="participants_import"),
    path("r/<str:code>/", views.registration, name="registration"),
    path("<str:code>/", views.public_event, name="event"),
]
